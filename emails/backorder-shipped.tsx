import { renderEmail, type Block } from './layout.tsx';
import { bind, loyalty } from './parts.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export interface BackorderShippedProps {
  item: string;
  /** Units sent now, and units still owed after this shipment. */
  quantity: number;
  remaining: number;
  vip: boolean;
  /** From the merchant's own shipment record (`POST …/fulfilled`), when given. */
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

/** "Thanks for your patience, it's on its way", for a whole line or a part of it. */
export function backorderShipped(props: BackorderShippedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, remaining: props.remaining });
  return renderEmail(
    {
      subject: t('backorder.shipped.subject'),
      heading: t('backorder.shipped.heading'),
      blocks: [
        ...loyalty(ctx, props.vip),
        { kind: 'p', text: t(props.remaining > 0 ? 'backorder.shipped.partial' : 'backorder.shipped.body') },
        ...trackingBlocks(t, props.tracking),
      ],
    },
    ctx,
  );
}
