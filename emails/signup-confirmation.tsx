import { renderEmail } from './layout.ts';
import { formatDate, translate } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface SignupConfirmationProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  kind: 'waitlist' | 'preorder';
  position: number;
  eta: { earliest: string; latest: string } | null;
  leaveUrl: string;
}

/** Sent right after a signup: the item, the place in line, the ETA range if known, a leave link. */
export function signupConfirmation(props: SignupConfirmationProps, ctx: RenderContext): RenderedEmail {
  const vars = { item: props.item, position: props.position, shop: ctx.shop.name };
  const t = (key: Parameters<typeof translate>[1], extra: Record<string, string | number> = {}) =>
    translate(ctx.locale, key, { ...vars, ...extra }, ctx.strings);
  const eta = props.eta
    ? t('email.eta', { earliest: formatDate(props.eta.earliest, ctx.locale), latest: formatDate(props.eta.latest, ctx.locale) })
    : t('email.noEta');
  return renderEmail(
    {
      subject: t(`confirmation.subject.${props.kind}`),
      heading: t(`confirmation.heading.${props.kind}`),
      blocks: [
        { kind: 'p', text: t(`confirmation.body.${props.kind}`) },
        { kind: 'p', text: eta },
        { kind: 'p', text: t('confirmation.next') },
      ],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
