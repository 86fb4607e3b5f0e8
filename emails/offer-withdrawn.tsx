import { renderEmail } from './layout.ts';
import { translate, type StringKey } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface OfferWithdrawnProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Which line the place is in; the footer says why this person hears from the shop. */
  kind?: 'waitlist' | 'preorder';
  position: number;
  leaveUrl: string;
}

/** Stock fell below what was held (a miscount, a sale elsewhere): the hold goes, the place stays. */
export function offerWithdrawn(props: OfferWithdrawnProps, ctx: RenderContext): RenderedEmail {
  const t = (key: StringKey) => translate(ctx.locale, key, { item: props.item, position: props.position }, ctx.strings);
  return renderEmail(
    {
      subject: t('withdrawn.subject'),
      heading: t('withdrawn.heading'),
      blocks: [{ kind: 'p', text: t('withdrawn.body') }],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
