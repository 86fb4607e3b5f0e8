import { renderEmail } from './layout.ts';
import { translate } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface SignupExistsProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Which line the place is in; the footer says why this person hears from the shop. */
  kind?: 'waitlist' | 'preorder';
  /** Null while the place is not in line (it holds an offer). */
  position: number | null;
  manageUrl: string;
}

/**
 * Someone asked to join a line this contact is already in. The place's own
 * link goes to the contact's own inbox, never to whoever asked.
 */
export function signupExists(props: SignupExistsProps, ctx: RenderContext): RenderedEmail {
  const vars = { item: props.item, position: props.position ?? '', shop: ctx.shop.name };
  const t = (key: Parameters<typeof translate>[1]) => translate(ctx.locale, key, vars, ctx.strings);
  return renderEmail(
    {
      subject: t('exists.subject'),
      heading: t('exists.heading'),
      blocks: [
        { kind: 'p', text: props.position === null ? t('exists.body.held') : t('exists.body') },
        { kind: 'button', label: t('exists.button'), url: props.manageUrl },
        { kind: 'p', text: t('exists.ignore') },
      ],
    },
    ctx,
  );
}
