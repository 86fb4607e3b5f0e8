import { renderEmail } from './layout.ts';
import { bind, loyalty } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderAllocatedProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Units set aside from this restock, and units still owed after it. */
  quantity: number;
  remaining: number;
  vip: boolean;
}

/**
 * Stock arrived for a backorder line and its units are set aside: "in stock and
 * being packed". Not "shipped": that is said only once a fulfillment exists
 * (backorder-shipped, SPEC §5).
 */
export function backorderAllocated(props: BackorderAllocatedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, remaining: props.remaining });
  return renderEmail(
    {
      subject: t('backorder.allocated.subject'),
      heading: t('backorder.allocated.heading'),
      blocks: [...loyalty(ctx, props.vip), { kind: 'p', text: t(props.remaining > 0 ? 'backorder.allocated.partial' : 'backorder.allocated.body') }],
    },
    ctx,
  );
}
