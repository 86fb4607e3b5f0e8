import { renderEmail } from './layout.ts';
import { bind } from './parts.ts';
import type { ProductInfo, RenderContext, RenderedEmail } from './types.ts';

export interface ReplyCancelProps {
  /** What the reply was about: an order's backorder line, or a place in a line. */
  kind: 'order' | 'waitlist' | 'preorder';
  item: string;
  product?: ProductInfo;
  /** Units still owed on the line (orders). */
  quantity: number;
  /** The store's order name (`#1042`); null for a place. */
  order: string | null;
  /** The status page, where the cancel (or leave) button is: the reply itself changes nothing. */
  url: string;
}

/**
 * Answers a reply that asks to cancel (or for a refund before shipping): the
 * customer confirms on the status page, under the same policy as the cancel
 * link, so a misread reply can never cancel an order on its own.
 */
export function replyCancel(props: ReplyCancelProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, order: props.order ?? '' });
  const k = props.kind === 'order' ? 'email.replyCancel' : 'email.replyLeave';
  return renderEmail(
    {
      subject: t(`${k}.subject`),
      heading: t(`${k}.heading`),
      blocks: [
        { kind: 'p', text: t(`${k}.body`) },
        { kind: 'button', label: t(`${k}.button`), url: props.url },
        { kind: 'p', text: t('email.replyCancel.keep') },
      ],
    },
    ctx,
  );
}
