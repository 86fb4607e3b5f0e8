import { signupConfirmation } from './signup-confirmation.tsx';
import { signupOptin } from './signup-optin.tsx';
import { offer } from './offer.tsx';
import { offerFollowup } from './offer-followup.tsx';
import { ranOut } from './ran-out.tsx';
import { offerWithdrawn } from './offer-withdrawn.tsx';
import { backorderAck } from './backorder-ack.tsx';
import { backorderUpdate } from './backorder-update.tsx';
import { backorderShipped } from './backorder-shipped.tsx';
import { backorderCancelled } from './backorder-cancelled.tsx';
import { backorderRefunded } from './backorder-refunded.tsx';
import { etaChanged } from './eta-changed.tsx';
import { preorderUpdate } from './preorder-update.tsx';
import { smsBackorderAck, smsBackorderShipped, smsEtaChanged } from './sms/backorders.ts';
import { smsSignupConfirmation, smsStillInterested } from './sms/signup-confirmation.ts';
import { stillInterested } from './still-interested.tsx';
import { signupExists } from './signup-exists.tsx';
import { contactConfirm, emailResubscribe } from './contact-confirm.tsx';
import { smsContactConfirm, smsSignupExists } from './sms/contact.ts';
import { smsSignupOptin } from './sms/signup-optin.ts';
import { smsOffer, smsOfferFollowup, smsOfferWithdrawn, smsRanOut } from './sms/offers.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export type { RenderContext, RenderedEmail };
export type { StringKey } from './i18n/index.ts';
export { translate, baseLocale, formatDate, formatTime, formatSpan, SHIPPED_LOCALES } from './i18n/index.ts';
export { money } from './parts.ts';

/** Every email template by name; the name is what `messages.template` stores. */
export const emailTemplates = {
  'signup-confirmation': signupConfirmation,
  'signup-optin': signupOptin,
  offer,
  'offer-followup': offerFollowup,
  'ran-out': ranOut,
  'offer-withdrawn': offerWithdrawn,
  'backorder-ack': backorderAck,
  'backorder-update': backorderUpdate,
  'backorder-shipped': backorderShipped,
  'backorder-cancelled': backorderCancelled,
  'backorder-refunded': backorderRefunded,
  'eta-changed': etaChanged,
  'preorder-update': preorderUpdate,
  'still-interested': stillInterested,
  'signup-exists': signupExists,
  'contact-confirm': contactConfirm,
  'email-resubscribe': emailResubscribe,
} satisfies Record<string, (props: never, ctx: RenderContext) => RenderedEmail>;

export const smsTemplates = {
  'signup-confirmation': smsSignupConfirmation,
  'signup-optin': smsSignupOptin,
  offer: smsOffer,
  'offer-followup': smsOfferFollowup,
  'ran-out': smsRanOut,
  'offer-withdrawn': smsOfferWithdrawn,
  'backorder-ack': smsBackorderAck,
  'backorder-shipped': smsBackorderShipped,
  'eta-changed': smsEtaChanged,
  'still-interested': smsStillInterested,
  'signup-exists': smsSignupExists,
  'contact-confirm': smsContactConfirm,
} satisfies Record<string, (props: never, ctx: RenderContext) => string>;

export type EmailTemplate = keyof typeof emailTemplates;
export type SmsTemplate = keyof typeof smsTemplates;
export type EmailProps<T extends EmailTemplate> = Parameters<(typeof emailTemplates)[T]>[0];
export type SmsProps<T extends SmsTemplate> = Parameters<(typeof smsTemplates)[T]>[0];
