import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

export interface SmsConfirmationProps {
  item: string;
  position: number;
}

export function smsSignupConfirmation(props: SmsConfirmationProps, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.confirmation', { ...props, shop: ctx.shop.name }, ctx.strings);
}
