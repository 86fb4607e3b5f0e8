import { renderEmail } from './layout.ts';
import { bind, etaText, faqLink, isFirstTimer, loyalty, type Care, type Eta } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderAckProps extends Care {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  quantity: number;
  eta: Eta;
  cancelUrl: string;
  /** A large order: cancelling it goes through a person, so the link asks rather than cancels. */
  review?: boolean;
}

/** Within a minute of the order: the item, an ETA range, what happens next, the cancel link, the contact line; a first-time buyer also hears how a backorder works. */
export function backorderAck(props: BackorderAckProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity });
  return renderEmail(
    {
      subject: t('backorder.ack.subject'),
      heading: t('backorder.ack.heading'),
      blocks: [
        ...loyalty(ctx, props.vip, props.expedite),
        { kind: 'p', text: t('backorder.ack.body') },
        { kind: 'p', text: etaText(ctx, props.eta) },
        { kind: 'p', text: t(props.review ? 'backorder.ack.nextReview' : isFirstTimer(props) ? 'backorder.ack.firstTime' : 'backorder.ack.next') },
        { kind: 'button', label: t(props.review ? 'backorder.button.review' : 'backorder.button.cancel'), url: props.cancelUrl },
        ...faqLink(ctx, props),
      ],
    },
    ctx,
  );
}
