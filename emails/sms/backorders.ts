import { translate, type StringKey } from '../i18n/index.ts';
import { rangeText, type Eta } from '../parts.ts';
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
