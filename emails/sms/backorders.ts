import { translate } from '../i18n/index.ts';
import { rangeText, type Eta } from '../parts.ts';
import type { RenderContext } from '../types.ts';

export function smsBackorderAck(props: { item: string; eta: Eta; cancelUrl: string; review?: boolean }, ctx: RenderContext): string {
  return translate(ctx.locale, props.review ? 'sms.backorder.ackReview' : 'sms.backorder.ack', { shop: ctx.shop.name, item: props.item, eta: rangeText(ctx, props.eta, true), url: props.cancelUrl }, ctx.strings);
}

export function smsBackorderShipped(props: { item: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.backorder.shipped', { shop: ctx.shop.name, item: props.item }, ctx.strings);
}

export function smsBackorderAllocated(props: { item: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.backorder.allocated', { shop: ctx.shop.name, item: props.item }, ctx.strings);
}

export function smsEtaChanged(props: { item: string; to: NonNullable<Eta> }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.eta', { shop: ctx.shop.name, item: props.item, new: rangeText(ctx, props.to, true) }, ctx.strings);
}
