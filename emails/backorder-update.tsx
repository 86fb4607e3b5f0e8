import { renderEmail, type Block } from './layout.ts';
import { formatDate } from './i18n/index.ts';
import { bind, etaText, faqLink, loyalty, rangeText, type Care, type Eta } from './parts.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface BackorderUpdateProps extends Care {
  /** Day 3: refined ETA or "checking with the supplier"; day 7: status and an alternative; day 14: status and the cancel offer. */
  stage: 'refine' | 'status' | 'cancel';
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  eta: Eta;
  /** Day 3: a date was confirmed since the order (rows written before `outcome` existed carry only this). */
  confirmed: boolean;
  /** Day 3: what the date did since the customer was told one at the order, and the newest reason given. */
  outcome?: 'confirmed' | 'unchanged' | 'earlier' | 'later' | null;
  told?: Eta;
  reason?: string | null;
  alternative: { name: string; url: string | null } | null;
  /** Day 14 without the offer while a person handles the order. */
  offerCancel: boolean;
  cancelUrl: string;
}

export function backorderUpdate(props: BackorderUpdateProps, ctx: RenderContext): RenderedEmail {
  const t = bind(ctx, { item: props.item, eta: etaText(ctx, props.eta) });
  const blocks: Block[] = [...loyalty(ctx, props.vip, props.expedite)];
  let subject: string;
  if (props.stage === 'refine') {
    subject = t('backorder.refine.subject');
    const eta = props.eta;
    const outcome = props.outcome === undefined ? (props.confirmed ? 'confirmed' : null) : props.outcome;
    if (!eta || !outcome) blocks.push({ kind: 'p', text: t('backorder.refine.checking') });
    else {
      const range = { earliest: formatDate(eta.earliest, ctx.locale), latest: formatDate(eta.latest, ctx.locale) };
      blocks.push({ kind: 'p', text: t(`backorder.refine.${outcome}`, { ...range, told: rangeText(ctx, props.told ?? null) }) });
      if (props.reason && outcome !== 'unchanged') blocks.push({ kind: 'p', text: t('eta.reason', { reason: props.reason }) });
    }
  } else if (props.stage === 'status' || !props.offerCancel) {
    subject = t('backorder.status.subject');
    blocks.push({ kind: 'p', text: t('backorder.status.body') });
    if (props.alternative) {
      blocks.push({ kind: 'p', text: t('backorder.alternative', { alternative: props.alternative.name }) });
      if (props.alternative.url) blocks.push({ kind: 'link', label: t('backorder.alternative.button', { alternative: props.alternative.name }), url: props.alternative.url });
    }
  } else {
    subject = t('backorder.cancel.subject');
    blocks.push({ kind: 'p', text: t('backorder.cancel.body') }, { kind: 'button', label: t('backorder.button.cancel'), url: props.cancelUrl });
  }
  blocks.push(...faqLink(ctx, props));
  return renderEmail({ subject, heading: subject, blocks }, ctx);
}
