import { renderEmail } from './layout.ts';
import { bind, money } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderRefundedProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  quantity: number;
  order: string;
  /** Minor units: what the merchant (or the platform) confirmed was refunded. */
  amount: number;
  currency: string;
}

/** Sent only once a refund is on record (`POST /v1/admin/backorders/:id/refunded`): the money has moved. */
export function backorderRefunded(props: BackorderRefundedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, order: props.order, amount: money(props.amount, props.currency, ctx.locale) });
  return renderEmail(
    { subject: t('backorder.refunded.subject'), heading: t('backorder.refunded.heading'), blocks: [{ kind: 'p', text: t('backorder.refunded.body') }] },
    ctx,
  );
}
