import { renderEmail } from './layout.ts';
import { bind } from './parts.ts';
import type { ProductInfo, RenderContext, RenderedEmail } from './types.ts';

export interface StatusLinkProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price. */
  product?: ProductInfo;
  /** Units still owed on the line. */
  quantity: number;
  /** The store's order name (`#1042`). */
  order: string;
  /** The line's status page (`/s/:token`). */
  url: string;
}

/** Answers a lookup on `/status`: the link goes to the address on the order, never onto the page that asked. */
export function statusLink(props: StatusLinkProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, quantity: props.quantity, order: props.order });
  return renderEmail(
    {
      subject: t('email.statusLink.subject'),
      heading: t('email.statusLink.heading'),
      blocks: [
        { kind: 'p', text: t('email.statusLink.body') },
        { kind: 'button', label: t('email.statusLink.button'), url: props.url },
        { kind: 'p', text: t('email.statusLink.ignore') },
      ],
    },
    ctx,
  );
}
