import { renderEmail } from './layout.ts';
import { translate } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface SignupOptinProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  confirmUrl: string;
}

/** Double opt-in: the only message a pending signup ever gets. */
export function signupOptin(props: SignupOptinProps, ctx: RenderContext): RenderedEmail {
  const t = (key: Parameters<typeof translate>[1]) =>
    translate(ctx.locale, key, { item: props.item, shop: ctx.shop.name }, ctx.strings);
  return renderEmail(
    {
      subject: t('optin.subject'),
      heading: t('optin.heading'),
      blocks: [
        { kind: 'p', text: t('optin.body') },
        { kind: 'button', label: t('optin.button'), url: props.confirmUrl },
        { kind: 'p', text: t('optin.ignore') },
      ],
    },
    ctx,
  );
}
