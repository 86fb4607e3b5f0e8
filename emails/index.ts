import { signupConfirmation } from './signup-confirmation.tsx';
import { signupOptin } from './signup-optin.tsx';
import { offer } from './offer.tsx';
import { offerFollowup } from './offer-followup.tsx';
import { ranOut } from './ran-out.tsx';
import { offerWithdrawn } from './offer-withdrawn.tsx';
import { backorderAck } from './backorder-ack.tsx';
import { backorderUpdate } from './backorder-update.tsx';
import { backorderAllocated } from './backorder-allocated.tsx';
import { backorderShipped } from './backorder-shipped.tsx';
import { backorderCancelled } from './backorder-cancelled.tsx';
import { backorderRefunded } from './backorder-refunded.tsx';
import { etaChanged } from './eta-changed.tsx';
import { preorderUpdate } from './preorder-update.tsx';
import { replyCancel } from './reply-cancel.tsx';
import { statusLink } from './status-link.tsx';
import { teamLink } from './team-link.tsx';
import { smsStatusLink } from './sms/status-link.ts';
import { smsReplyCancel } from './sms/reply-cancel.ts';
import { smsBackorderAck, smsBackorderAllocated, smsBackorderCancelled, smsBackorderRefunded, smsBackorderShipped, smsBackorderUpdate, smsEtaChanged } from './sms/backorders.ts';
import { smsSignupConfirmation, smsStillInterested } from './sms/signup-confirmation.ts';
import { stillInterested } from './still-interested.tsx';
import { signupExists } from './signup-exists.tsx';
import { contactConfirm, emailResubscribe } from './contact-confirm.tsx';
import { smsContactConfirm, smsSignupExists } from './sms/contact.ts';
import { smsSignupOptin } from './sms/signup-optin.ts';
import { smsOffer, smsOfferFollowup, smsOfferWithdrawn, smsRanOut } from './sms/offers.ts';
import { forAudience, lineOf } from './footer.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export type { RenderContext, RenderedEmail };
export type { StringKey } from './i18n/index.ts';
export { translate, baseLocale, formatDate, formatTime, formatSpan, SHIPPED_LOCALES } from './i18n/index.ts';
export { money } from './parts.ts';

/** Every email template by name; the name is what `messages.template` stores. */
export const emailTemplates = {
  'signup-confirmation': forAudience(lineOf, signupConfirmation),
  'signup-optin': forAudience('waitlist', signupOptin),
  offer: forAudience(lineOf, offer),
  'offer-followup': forAudience(lineOf, offerFollowup),
  'ran-out': forAudience(lineOf, ranOut),
  'offer-withdrawn': forAudience(lineOf, offerWithdrawn),
  'backorder-ack': forAudience('order', backorderAck),
  'backorder-update': forAudience('order', backorderUpdate),
  'backorder-allocated': forAudience('order', backorderAllocated),
  'backorder-shipped': forAudience('order', backorderShipped),
  'backorder-cancelled': forAudience('order', backorderCancelled),
  'backorder-refunded': forAudience('order', backorderRefunded),
  // The same change reaches backorders (who may cancel) and pre-orders (who may leave).
  'eta-changed': forAudience((p) => (p.action.label === 'cancel' ? 'order' : 'preorder'), etaChanged),
  'preorder-update': forAudience('preorder', preorderUpdate),
  'still-interested': forAudience(lineOf, stillInterested),
  'signup-exists': forAudience(lineOf, signupExists),
  'contact-confirm': forAudience('contact', contactConfirm),
  'email-resubscribe': forAudience('contact', emailResubscribe),
  'status-link': forAudience('order', statusLink),
  'reply-cancel': forAudience((p) => (p.kind === 'order' ? 'order' : p.kind), replyCancel),
  'team-link': forAudience('team', teamLink),
} satisfies Record<string, (props: never, ctx: RenderContext) => RenderedEmail>;

export const smsTemplates = {
  'signup-confirmation': smsSignupConfirmation,
  'signup-optin': smsSignupOptin,
  offer: smsOffer,
  'offer-followup': smsOfferFollowup,
  'ran-out': smsRanOut,
  'offer-withdrawn': smsOfferWithdrawn,
  'backorder-ack': smsBackorderAck,
  'backorder-allocated': smsBackorderAllocated,
  'backorder-shipped': smsBackorderShipped,
  'backorder-update': smsBackorderUpdate,
  'backorder-cancelled': smsBackorderCancelled,
  'backorder-refunded': smsBackorderRefunded,
  'eta-changed': smsEtaChanged,
  'still-interested': smsStillInterested,
  'signup-exists': smsSignupExists,
  'contact-confirm': smsContactConfirm,
  'status-link': smsStatusLink,
  'reply-cancel': smsReplyCancel,
} satisfies Record<string, (props: never, ctx: RenderContext) => string>;

export type EmailTemplate = keyof typeof emailTemplates;
export type SmsTemplate = keyof typeof smsTemplates;
export type EmailProps<T extends EmailTemplate> = Parameters<(typeof emailTemplates)[T]>[0];
export type SmsProps<T extends SmsTemplate> = Parameters<(typeof smsTemplates)[T]>[0];
