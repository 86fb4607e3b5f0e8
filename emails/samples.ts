import type { EmailProps, EmailTemplate, SmsProps, SmsTemplate, RenderContext } from './index.ts';
import type { ProductInfo, StatusInfo } from './types.ts';

/**
 * Realistic props for every template and each of its branches: what previews, the copy editor and the
 * screenshot tests (e2e/emails.spec.ts) render. `name` is a unique slug; it names the screenshot files.
 */
export interface EmailSample<T extends EmailTemplate = EmailTemplate> {
  template: T;
  name: string;
  props: EmailProps<T>;
}

export interface SmsSample<T extends SmsTemplate = SmsTemplate> {
  template: T;
  name: string;
  props: SmsProps<T>;
}

const item = 'Ocean Tee – Navy / M';
const product: ProductInfo = {
  title: 'Ocean Tee',
  variant: 'Navy / M',
  imageUrl: 'https://cdn.waitline.test/products/ocean-tee.png',
  price: 2500,
  currency: 'USD',
};
const link = (path: string) => `https://acme-goods.test/apps/waitline/${path}`;
const eta = { earliest: '2026-04-06', latest: '2026-04-17' };
const later = { earliest: '2026-04-27', latest: '2026-05-08' };
const reason = 'Our supplier’s fabric delivery slipped by two weeks.';

/**
 * The product card for templates whose props take `product`. Typed loosely on purpose: until every props
 * interface declares `product?`, a template without it ignores the field, and the sample still compiles.
 */
const withProduct = <T extends EmailTemplate>(sample: EmailSample<T>): EmailSample<T> => ({
  ...sample,
  props: { ...sample.props, product, ...statusOf(sample) } as EmailProps<T>,
});

/**
 * The status lines a real message of that kind carries: an order message names the order (unless its body
 * does) and, while updates are scheduled, the next one; a place's messages link its page; an opt-in has no place yet.
 */
function statusOf(sample: EmailSample): { status?: StatusInfo } {
  const url = link('s/Qm9vS2FjU3RhdHVz');
  const order = sample.template.startsWith('backorder-') || (sample.template === 'eta-changed' && (sample.props as { action: { label: string } }).action.label === 'cancel');
  if (sample.template === 'signup-optin') return {};
  if (!order) return { status: { url } };
  if (sample.template === 'backorder-cancelled' || sample.template === 'backorder-refunded') return { status: { url } };
  const scheduled = sample.template === 'backorder-ack' || (sample.template === 'backorder-update' && (sample.props as { stage: string }).stage !== 'cancel');
  return { status: { url, order: '#1042', ...(scheduled ? { nextUpdate: '2026-03-12T15:00:00Z' } : {}) } };
}

const email = <T extends EmailTemplate>(template: T, name: string, props: EmailProps<T>): EmailSample<T> => ({ template, name, props });
const sms = <T extends SmsTemplate>(template: T, name: string, props: SmsProps<T>): SmsSample<T> => ({ template, name, props });

const backorderUpdate = {
  stage: 'refine',
  item,
  eta,
  confirmed: true,
  alternative: null,
  offerCancel: true,
  vip: false,
  cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj'),
} satisfies EmailProps<'backorder-update'>;

/** Every email template at least once; the first sample of a template is its default (used by previews). */
export const emailSamples: EmailSample[] = [
  withProduct(email('signup-confirmation', 'signup-confirmation-waitlist', { item, kind: 'waitlist', position: 14, eta: null, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('signup-confirmation', 'signup-confirmation-preorder', { item, kind: 'preorder', position: 3, eta, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('signup-optin', 'signup-optin', { item, confirmUrl: link('confirm/7hQ2mZ') })),
  email('offer', 'offer-restock', {
    item, kind: 'waitlist', reason: 'restock', units: 40, quantity: 1, position: 6,
    expiresAt: '2026-03-04T17:00:00Z', claimUrl: link('claim/Xy7pQ2'), leaveUrl: link('leave/9f3k2'), product, status: { url: link('s/Qm9vS2FjU3RhdHVz') },
  }),
  email('offer', 'offer-cascade', {
    item, kind: 'waitlist', reason: 'cascade', units: 12, quantity: 2, position: 19,
    expiresAt: '2026-03-05T09:30:00Z', claimUrl: link('claim/Xy7pQ2'), leaveUrl: link('leave/9f3k2'), product, status: { url: link('s/Qm9vS2FjU3RhdHVz') },
  }),
  email('offer', 'offer-preorder', {
    item, kind: 'preorder', reason: 'restock', units: 120, quantity: 1, position: 2,
    expiresAt: '2026-04-08T17:00:00Z', claimUrl: link('claim/Xy7pQ2'), leaveUrl: link('leave/9f3k2'), product, status: { url: link('s/Qm9vS2FjU3RhdHVz') },
  }),
  // A hold stored before offers carried the product: the item name stands in for the card.
  email('offer', 'offer-without-product', {
    item, kind: 'waitlist', reason: 'restock', units: 40, quantity: 1, position: 6,
    expiresAt: '2026-03-04T17:00:00Z', claimUrl: link('claim/Xy7pQ2'), leaveUrl: link('leave/9f3k2'),
  }),
  withProduct(email('offer-followup', 'offer-followup', {
    item, kind: 'waitlist', quantity: 1, expiresAt: '2026-03-04T17:00:00Z', remainingMs: 6 * 3600_000,
    claimUrl: link('claim/Xy7pQ2'), leaveUrl: link('leave/9f3k2'),
  })),
  withProduct(email('ran-out', 'ran-out', { item, kind: 'waitlist', units: 40, position: 8, holdMs: 24 * 3600_000, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('offer-withdrawn', 'offer-withdrawn', { item, kind: 'waitlist', position: 1, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('backorder-ack', 'backorder-ack', { item, quantity: 2, eta, vip: false, cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj') })),
  withProduct(email('backorder-ack', 'backorder-ack-review-vip', { item, quantity: 25, eta: null, vip: true, review: true, cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj') })),
  // A first order: the simple version, with the shop's FAQ.
  withProduct(email('backorder-ack', 'backorder-ack-first-time', { item, quantity: 1, eta, vip: false, firstTime: true, faqUrl: 'https://acme-goods.test/pages/faq', cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj') })),
  withProduct(email('backorder-update', 'backorder-update-refine-confirmed', { ...backorderUpdate, outcome: 'confirmed', told: null, reason: null })),
  withProduct(email('backorder-update', 'backorder-update-refine-unchanged', { ...backorderUpdate, outcome: 'unchanged', told: eta })),
  withProduct(email('backorder-update', 'backorder-update-refine-earlier', { ...backorderUpdate, outcome: 'earlier', told: later, reason: 'A faster freight slot opened up.' })),
  withProduct(email('backorder-update', 'backorder-update-refine-later', { ...backorderUpdate, eta: later, outcome: 'later', told: eta, reason, vip: true })),
  withProduct(email('backorder-update', 'backorder-update-refine-checking', { ...backorderUpdate, eta: null, confirmed: false, outcome: null })),
  withProduct(email('backorder-update', 'backorder-update-status', {
    ...backorderUpdate, stage: 'status', alternative: { name: 'Ocean Tee – Navy / L', url: 'https://acme-goods.test/products/ocean-tee?variant=L' },
  })),
  // A VIP's extra status update, where the shop ships VIP orders express.
  withProduct(email('backorder-update', 'backorder-update-status-vip-express', { ...backorderUpdate, stage: 'status', vip: true, expedite: true })),
  withProduct(email('backorder-update', 'backorder-update-cancel', { ...backorderUpdate, stage: 'cancel' })),
  // Day 14 while a person handles the order: the status, not the cancel offer.
  withProduct(email('backorder-update', 'backorder-update-cancel-handled', { ...backorderUpdate, stage: 'cancel', offerCancel: false })),
  withProduct(email('backorder-allocated', 'backorder-allocated', { item, quantity: 2, remaining: 0, vip: false })),
  withProduct(email('backorder-allocated', 'backorder-allocated-partial', { item, quantity: 1, remaining: 1, vip: true })),
  withProduct(email('backorder-shipped', 'backorder-shipped', {
    item, quantity: 2, vip: false,
    tracking: { carrier: 'UPS', trackingNumber: '1Z999AA10123456784', trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
  })),
  withProduct(email('backorder-shipped', 'backorder-shipped-untracked', { item, quantity: 2, vip: true, tracking: null })),
  withProduct(email('backorder-cancelled', 'backorder-cancelled', { item, quantity: 2, order: '#1042', amount: 5000, currency: 'USD' })),
  withProduct(email('backorder-refunded', 'backorder-refunded', { item, quantity: 2, order: '#1042', amount: 5000, currency: 'USD' })),
  withProduct(email('eta-changed', 'eta-changed-backorder', { item, from: eta, to: later, reason, action: { label: 'cancel', url: link('orders/1042/cancel?t=Qm9vS2Fj') } })),
  withProduct(email('eta-changed', 'eta-changed-preorder', { item, from: null, to: eta, reason: null, action: { label: 'leave', url: link('leave/9f3k2') } })),
  withProduct(email('preorder-update', 'preorder-update-checkin', { stage: 'checkin', item, eta, position: 3, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('preorder-update', 'preorder-update-soon', { stage: 'soon', item, eta, position: 3, leaveUrl: link('leave/9f3k2') })),
  withProduct(email('still-interested', 'still-interested', {
    item, kind: 'waitlist', position: 14, keepUrl: link('keep/Lp0v3s'), deadline: '2026-03-11T17:00:00Z', leaveUrl: link('leave/9f3k2'),
  })),
  withProduct(email('signup-exists', 'signup-exists', { item, kind: 'waitlist', position: 14, manageUrl: link('manage/Mn8c2Q') })),
  withProduct(email('signup-exists', 'signup-exists-held', { item, kind: 'waitlist', position: null, manageUrl: link('manage/Mn8c2Q') })),
  email('contact-confirm', 'contact-confirm-email', { kind: 'email', value: 'j•••@example.com', confirmUrl: link('contact/confirm/Rt5uW1') }),
  email('contact-confirm', 'contact-confirm-phone', { kind: 'phone', value: '+1 •••-•••-0142', confirmUrl: link('contact/confirm/Rt5uW1') }),
  email('email-resubscribe', 'email-resubscribe', { confirmUrl: link('contact/resubscribe/Vb6nY3') }),
  withProduct(email('status-link', 'status-link', { item, quantity: 2, order: '#1042', url: link('s/Qm9vS2Fj') })),
  withProduct(email('reply-cancel', 'reply-cancel', { kind: 'order', item, quantity: 2, order: '#1042', url: link('s/Qm9vS2Fj') })),
  email('team-link', 'team-link-invite', { kind: 'invite', inviter: 'ana@acme-goods.test', role: 'staff', url: link('admin/link#t=Kq7xW2'), validMs: 604_800_000 }),
  email('team-link', 'team-link-sign-in', { kind: 'sign_in', role: 'viewer', url: link('admin/link#t=Kq7xW2'), validMs: 900_000 }),
  withProduct(email('reply-cancel', 'reply-cancel-place', { kind: 'waitlist', item, quantity: 1, order: null, url: link('s/9f3k2Lp0') })),
];

export const smsSamples: SmsSample[] = [
  sms('signup-confirmation', 'signup-confirmation', { item, position: 14 }),
  sms('signup-optin', 'signup-optin', { item, confirmUrl: link('confirm/7hQ2mZ') }),
  sms('offer', 'offer', { item, expiresAt: '2026-03-04T17:00:00Z', claimUrl: link('claim/Xy7pQ2') }),
  sms('offer-followup', 'offer-followup', { item, expiresAt: '2026-03-04T17:00:00Z', claimUrl: link('claim/Xy7pQ2') }),
  sms('ran-out', 'ran-out', { item, position: 8 }),
  sms('offer-withdrawn', 'offer-withdrawn', { item, position: 1 }),
  sms('backorder-ack', 'backorder-ack', { item, eta, cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj') }),
  sms('backorder-ack', 'backorder-ack-review', { item, eta: null, cancelUrl: link('orders/1042/cancel?t=Qm9vS2Fj'), review: true }),
  sms('backorder-allocated', 'backorder-allocated', { item }),
  sms('backorder-shipped', 'backorder-shipped', { item }),
  sms('eta-changed', 'eta-changed', { item, to: later }),
  sms('backorder-update', 'backorder-update', { item, order: '#1042', stage: 'status', eta, offerCancel: false, url: link('s/Qm9vS2Fj'), cancelUrl: link('b/Qm9vS2Fj') }),
  sms('backorder-update', 'backorder-update-cancel', { item, order: '#1042', stage: 'cancel', eta, offerCancel: true, url: link('s/Qm9vS2Fj'), cancelUrl: link('b/Qm9vS2Fj') }),
  sms('backorder-cancelled', 'backorder-cancelled', { item, order: '#1042', amount: 5000, currency: 'USD' }),
  sms('backorder-refunded', 'backorder-refunded', { item, order: '#1042', amount: 5000, currency: 'USD' }),
  sms('still-interested', 'still-interested', { item, position: 14, keepUrl: link('keep/Lp0v3s') }),
  sms('signup-exists', 'signup-exists', { item, manageUrl: link('manage/Mn8c2Q') }),
  sms('contact-confirm', 'contact-confirm', { kind: 'email', value: 'j•••@example.com', confirmUrl: link('contact/confirm/Rt5uW1') }),
  sms('status-link', 'status-link', { item, order: '#1042', url: link('s/Qm9vS2Fj') }),
  sms('reply-cancel', 'reply-cancel', { kind: 'order', item, order: '#1042', url: link('s/Qm9vS2Fj') }),
  sms('reply-cancel', 'reply-cancel-place', { kind: 'waitlist', item, order: null, url: link('s/9f3k2Lp0') }),
];

/** The first sample of a template. */
export function emailSample(template: EmailTemplate): EmailSample {
  const found = emailSamples.find((s) => s.template === template);
  // Every template has one (e2e/emails.spec.ts checks); a clear message beats an undefined deep in a render.
  if (!found) throw new Error(`No email sample for template "${template}"`);
  return found;
}

/** The first sample of a template; undefined for the email templates that have no SMS twin. */
export function smsSample(template: SmsTemplate): SmsSample | undefined {
  return smsSamples.find((s) => s.template === template);
}

/** A deterministic context: shop "Acme Goods", sender, contact line, unsubscribe URL, brand, en, UTC. */
export function sampleContext(over: Partial<RenderContext> = {}): RenderContext {
  return {
    locale: 'en',
    timeZone: 'UTC',
    strings: {},
    shop: { name: 'Acme Goods' },
    brand: { logoUrl: 'https://cdn.waitline.test/logo.png', color: '#0f766e' },
    sender: { name: 'Acme Goods', email: 'hello@acme-goods.test', address: '12 Harbour Street, Portland, OR 97201, USA' },
    contact: 'Reply to this email or write to help@acme-goods.test.',
    unsubscribeUrl: 'https://acme-goods.test/apps/waitline/unsubscribe/Ux4kT9',
    ...over,
  };
}
