import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

export function smsSignupOptin(props: { item: string; confirmUrl: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.optin', { item: props.item, url: props.confirmUrl, shop: ctx.shop.name }, ctx.strings);
}
