import { formatTimeShort, translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

/** The SMS twins of the offer emails: one segment where the item name allows. */
export function smsOffer(props: { item: string; expiresAt: string; claimUrl: string }, ctx: RenderContext): string {
  const time = formatTimeShort(new Date(props.expiresAt), ctx.locale, ctx.timeZone);
  return translate(ctx.locale, 'sms.offer', { shop: ctx.shop.name, item: props.item, time, url: props.claimUrl }, ctx.strings);
}

export function smsOfferFollowup(props: { item: string; expiresAt: string; claimUrl: string }, ctx: RenderContext): string {
  const time = formatTimeShort(new Date(props.expiresAt), ctx.locale, ctx.timeZone);
  return translate(ctx.locale, 'sms.followup', { shop: ctx.shop.name, item: props.item, time, url: props.claimUrl }, ctx.strings);
}

export function smsRanOut(props: { item: string; position: number }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.ranout', { shop: ctx.shop.name, ...props }, ctx.strings);
}

export function smsOfferWithdrawn(props: { item: string; position: number }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.withdrawn', { shop: ctx.shop.name, ...props }, ctx.strings);
}
