import { renderEmail, type Block } from './layout.ts';
import { bind, loyalty } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderShippedProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Units in this shipment: the whole line. */
  quantity: number;
  vip: boolean;
  /** From the platform's fulfillment or the merchant's own record (`POST …/fulfilled`), when given. */
  tracking?: { carrier?: string; trackingNumber?: string; trackingUrl?: string } | null;
}

function trackingBlocks(t: ReturnType<typeof bind>, tracking: BackorderShippedProps['tracking']): Block[] {
  if (!tracking) return [];
  const blocks: Block[] = [];
  const parcel = [tracking.carrier, tracking.trackingNumber].filter(Boolean).join(' ');
  if (parcel) blocks.push({ kind: 'p', text: t('backorder.shipped.tracking', { parcel }) });
  if (tracking.trackingUrl) blocks.push({ kind: 'button', label: t('backorder.shipped.track'), url: tracking.trackingUrl });
  return blocks;
}

/** "Thanks for your patience, it's on its way": only once a fulfillment exists (SPEC §5). */
export function backorderShipped(props: BackorderShippedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity });
  return renderEmail(
    {
      subject: t('backorder.shipped.subject'),
      heading: t('backorder.shipped.heading'),
      blocks: [
        ...loyalty(ctx, props.vip),
        { kind: 'p', text: t('backorder.shipped.body') },
        ...trackingBlocks(t, props.tracking),
      ],
    },
    ctx,
  );
}
