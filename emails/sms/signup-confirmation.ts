import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

export interface SmsConfirmationProps {
  item: string;
  position: number;
}

export function smsSignupConfirmation(props: SmsConfirmationProps, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.confirmation', { ...props, shop: ctx.shop.name }, ctx.strings);
}

/** signupTtl's "still interested?" for people we can only text. */
export function smsStillInterested(props: { item: string; position: number; keepUrl: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.lapse', { shop: ctx.shop.name, item: props.item, position: props.position, url: props.keepUrl }, ctx.strings);
}
