import { renderEmail, type Block } from './layout.ts';
import { formatDate } from './i18n/index.ts';
import { bind, rangeText, type Eta } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface EtaChangedProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  from: Eta;
  to: NonNullable<Eta>;
  reason: string | null;
  /** A backorder can be cancelled for a refund; a pre-order can leave the line. */
  action: { label: 'cancel' | 'leave'; url: string };
}

/** The moment an ETA moves: old range, new range, why. */
export function etaChanged(props: EtaChangedProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, old: rangeText(ctx, props.from), new: rangeText(ctx, props.to), latest: formatDate(props.to.latest, ctx.locale) });
  const blocks: Block[] = [{ kind: 'p', text: t('eta.body') }];
  if (props.reason) blocks.push({ kind: 'p', text: t('eta.reason', { reason: props.reason }) });
  const label = props.action.label === 'cancel' ? t('backorder.button.cancel') : t('email.footer.leave');
  blocks.push({ kind: 'link', label, url: props.action.url });
  return renderEmail({ subject: t('eta.subject'), heading: t('eta.heading'), blocks }, ctx);
}
