import { translate, type StringKey } from '../i18n/index.ts';
import { money, rangeText, type Eta } from '../parts.ts';
import type { RenderContext } from '../types.ts';

/*
 * Order texts lead with the store's order name, the item and its status. Rows
 * queued before the order name was kept carry none: they use the shorter
 * `sms.backorder.*` strings rather than print a blank name.
 */
interface OrderText {
  item: string;
  /** The store's order name (`#1042`). */
  order?: string;
}

const say = (ctx: RenderContext, props: OrderText, named: StringKey, unnamed: StringKey, vars: Record<string, string> = {}) =>
  translate(ctx.locale, props.order ? named : unnamed, { shop: ctx.shop.name, item: props.item, order: props.order ?? '', ...vars }, ctx.strings);

export function smsBackorderAck(props: OrderText & { eta: Eta; cancelUrl: string; review?: boolean }, ctx: RenderContext): string {
  const vars = { eta: rangeText(ctx, props.eta, true), url: props.cancelUrl };
  return props.review ? say(ctx, props, 'sms.order.ackReview', 'sms.backorder.ackReview', vars) : say(ctx, props, 'sms.order.ack', 'sms.backorder.ack', vars);
}

export function smsBackorderShipped(props: OrderText, ctx: RenderContext): string {
  return say(ctx, props, 'sms.order.shipped', 'sms.backorder.shipped');
}

export function smsBackorderAllocated(props: OrderText, ctx: RenderContext): string {
  return say(ctx, props, 'sms.order.allocated', 'sms.backorder.allocated');
}

/** A pre-order's place has no order yet: it hears the dates alone. */
export function smsEtaChanged(props: OrderText & { to: NonNullable<Eta> }, ctx: RenderContext): string {
  return say(ctx, props, 'sms.order.eta', 'sms.eta', { new: rangeText(ctx, props.to, true) });
}

/** A cadence update: the date (or that it is being confirmed), and the status page; the two-week one offers the cancel link instead. */
export function smsBackorderUpdate(props: Required<OrderText> & { stage: 'refine' | 'status' | 'cancel'; eta: Eta; checking?: boolean; offerCancel: boolean; url: string; cancelUrl: string }, ctx: RenderContext): string {
  const vars = { eta: rangeText(ctx, props.eta, true) };
  if (props.stage === 'cancel' && props.offerCancel && props.eta) return say(ctx, props, 'sms.order.cancelOffer', 'sms.order.cancelOffer', { ...vars, url: props.cancelUrl });
  const checking = props.checking || !props.eta;
  return say(ctx, props, checking ? 'sms.order.checking' : 'sms.order.update', checking ? 'sms.order.checking' : 'sms.order.update', { ...vars, url: props.url });
}

/** The amount asked of the shop (cancelled), or the one the platform confirmed (refunded). */
type Refund = Required<OrderText> & { amount: number; currency: string };

export function smsBackorderCancelled(props: Refund, ctx: RenderContext): string {
  return say(ctx, props, 'sms.order.cancelled', 'sms.order.cancelled', { amount: money(props.amount, props.currency, ctx.locale) });
}

export function smsBackorderRefunded(props: Refund, ctx: RenderContext): string {
  return say(ctx, props, 'sms.order.refunded', 'sms.order.refunded', { amount: money(props.amount, props.currency, ctx.locale) });
}
