import { signupConfirmation } from './signup-confirmation.tsx';
import { signupOptin } from './signup-optin.tsx';
import { smsSignupConfirmation } from './sms/signup-confirmation.ts';
import { smsSignupOptin } from './sms/signup-optin.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export type { RenderContext, RenderedEmail };
export { translate, baseLocale, SHIPPED_LOCALES } from './i18n/index.ts';

/** Every email template by name; the name is what `messages.template` stores. */
export const emailTemplates = {
  'signup-confirmation': signupConfirmation,
  'signup-optin': signupOptin,
} satisfies Record<string, (props: never, ctx: RenderContext) => RenderedEmail>;

export const smsTemplates = {
  'signup-confirmation': smsSignupConfirmation,
  'signup-optin': smsSignupOptin,
} satisfies Record<string, (props: never, ctx: RenderContext) => string>;

export type EmailTemplate = keyof typeof emailTemplates;
export type SmsTemplate = keyof typeof smsTemplates;
export type EmailProps<T extends EmailTemplate> = Parameters<(typeof emailTemplates)[T]>[0];
export type SmsProps<T extends SmsTemplate> = Parameters<(typeof smsTemplates)[T]>[0];
