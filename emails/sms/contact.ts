import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

/** A place's own link, for someone we can only text. */
export function smsSignupExists(props: { item: string; manageUrl: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.exists', { shop: ctx.shop.name, item: props.item, url: props.manageUrl }, ctx.strings);
}

/** A new email for a contact we can only text: proven from the phone we already trust. */
export function smsContactConfirm(props: { kind: 'phone' | 'email' | 'resubscribe'; value: string; confirmUrl: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.change', { shop: ctx.shop.name, value: props.value, url: props.confirmUrl }, ctx.strings);
}
