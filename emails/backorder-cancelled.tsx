import { renderEmail } from './layout.ts';
import { bind, money } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderCancelledProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  quantity: number;
  order: string;
  /** Minor units. */
  amount: number;
  currency: string;
}

export function backorderCancelled(props: BackorderCancelledProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, order: props.order, amount: money(props.amount, props.currency, ctx.locale) });
  return renderEmail(
    { subject: t('backorder.cancelled.subject'), heading: t('backorder.cancelled.heading'), blocks: [{ kind: 'p', text: t('backorder.cancelled.body') }] },
    ctx,
  );
}
