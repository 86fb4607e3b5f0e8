import { renderEmail } from './layout.ts';
import { formatSpan, formatTime, translate, type StringKey } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface OfferFollowupProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Which line the place is in; the footer says why this person hears from the shop. */
  kind?: 'waitlist' | 'preorder';
  quantity: number;
  /** ISO 8601: props are stored as JSON until the message is rendered. */
  expiresAt: string;
  /** Time left on the hold when the follow-up is written. */
  remainingMs: number;
  claimUrl: string;
  leaveUrl: string;
}

/** The one reminder for a hold whose first notice was neither opened nor clicked; a different subject on purpose. */
export function offerFollowup(props: OfferFollowupProps, ctx: RenderContext): RenderedEmail {
  const vars = {
    item: props.item,
    quantity: props.quantity,
    time: formatTime(new Date(props.expiresAt), ctx.locale, ctx.timeZone),
    remaining: formatSpan(props.remainingMs, ctx.locale),
  };
  const t = (key: StringKey) => translate(ctx.locale, key, vars, ctx.strings);
  return renderEmail(
    {
      subject: t('followup.subject'),
      heading: t('followup.heading'),
      blocks: [
        { kind: 'p', text: t('followup.body') },
        { kind: 'button', label: t('offer.button'), url: props.claimUrl },
      ],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
