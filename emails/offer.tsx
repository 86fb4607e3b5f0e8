import { renderEmail } from './layout.ts';
import { formatTime, translate, type StringKey } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface OfferProps {
  item: string;
  kind: 'waitlist' | 'preorder';
  /** A restock freed the units, or an unclaimed hold ahead cascaded to this one. */
  reason: 'restock' | 'cascade';
  /** Units the restock brought ("only 40 were restocked"). */
  units: number;
  quantity: number;
  position: number;
  /** ISO 8601: props are stored as JSON until the message is rendered. */
  expiresAt: string;
  claimUrl: string;
  leaveUrl: string;
  /** The variant as the shop lists it; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
}

/** The hold: inventory-aware and honest about the clock. */
export function offer(props: OfferProps, ctx: RenderContext): RenderedEmail {
  const vars = {
    item: props.item,
    units: props.units,
    quantity: props.quantity,
    position: props.position,
    time: formatTime(new Date(props.expiresAt), ctx.locale, ctx.timeZone),
  };
  const t = (key: StringKey) => translate(ctx.locale, key, vars, ctx.strings);
  const preorder = props.kind === 'preorder';
  return renderEmail(
    {
      subject: t(preorder ? 'offer.subject.preorder' : `offer.subject.${props.reason}`),
      heading: t(preorder ? 'offer.heading.preorder' : 'offer.heading'),
      blocks: [
        { kind: 'p', text: t(`offer.body.${props.reason}`) },
        { kind: 'button', label: t('offer.button'), url: props.claimUrl },
        { kind: 'p', text: t('offer.after') },
      ],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
