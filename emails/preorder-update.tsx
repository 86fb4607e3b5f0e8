import { renderEmail } from './layout.ts';
import { formatDate } from './i18n/index.ts';
import { bind, type Eta } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface PreorderProps {
  /** Halfway to the earliest date, or a few days before it. */
  stage: 'checkin' | 'soon';
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  eta: NonNullable<Eta>;
  position: number;
  leaveUrl: string;
}

/** The pre-order's sequence between the confirmation and the hold: a mid-wait check-in and "shipping soon". */
export function preorderUpdate(props: PreorderProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, {
    item: props.item,
    position: props.position,
    earliest: formatDate(props.eta.earliest, ctx.locale),
    latest: formatDate(props.eta.latest, ctx.locale),
  });
  const subject = t(props.stage === 'checkin' ? 'preorder.checkin.subject' : 'preorder.soon.subject');
  return renderEmail(
    {
      subject,
      heading: subject,
      blocks: [{ kind: 'p', text: t(props.stage === 'checkin' ? 'preorder.checkin.body' : 'preorder.soon.body') }],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
