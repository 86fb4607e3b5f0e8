import { renderEmail } from './layout.tsx';
import { bind, loyalty } from './parts.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export interface BackorderShippedProps {
  item: string;
  /** Units sent now, and units still owed after this shipment. */
  quantity: number;
  remaining: number;
  vip: boolean;
}

/** "Thanks for your patience, it's on its way", for a whole line or a part of it. */
export function backorderShipped(props: BackorderShippedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, remaining: props.remaining });
  return renderEmail(
    {
      subject: t('backorder.shipped.subject'),
      heading: t('backorder.shipped.heading'),
      blocks: [...loyalty(ctx, props.vip), { kind: 'p', text: t(props.remaining > 0 ? 'backorder.shipped.partial' : 'backorder.shipped.body') }],
    },
    ctx,
  );
}
