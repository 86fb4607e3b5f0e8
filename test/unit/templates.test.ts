import { describe, expect, it } from 'vitest';
import { emailTemplates, smsTemplates, translate, type RenderContext } from '../../emails/index.ts';
import { fitSms, SMS_LIMIT } from '../../server/services/messages/render.ts';

const LONG_ITEM = 'Limited Edition Hand-Stitched Organic Merino Wool Oversized Cardigan with Mother-of-Pearl Buttons – Deep Forest Green / XXL';
const LONG_SHOP = 'The Very Long Named Independent Outdoor Clothing and Equipment Company of the Pacific Northwest';
const url = 'https://waitline.example.com/claim/AbCdEfGhIjKlMnOpQrStUv';
const eta = { earliest: '2026-04-01', latest: '2026-04-15' };

/** Props for every template, with the longest names a store is likely to have. */
const emailProps: Record<keyof typeof emailTemplates, unknown> = {
  'signup-confirmation': { item: LONG_ITEM, kind: 'waitlist', position: 1234, eta, leaveUrl: url },
  'signup-optin': { item: LONG_ITEM, confirmUrl: url },
  offer: {
    item: LONG_ITEM, kind: 'waitlist', reason: 'restock', units: 40, quantity: 2, position: 3, expiresAt: '2026-03-03T12:00:00Z', claimUrl: url, leaveUrl: url,
    product: { title: LONG_ITEM, variant: 'Deep Forest Green / XXL', imageUrl: 'https://cdn.example.com/a.jpg', price: 1299900, currency: 'EUR' },
  },
  'offer-followup': { item: LONG_ITEM, quantity: 1, expiresAt: '2026-03-03T12:00:00Z', remainingMs: 18 * 3600_000, claimUrl: url, leaveUrl: url },
  'ran-out': { item: LONG_ITEM, units: 200, position: 150, holdMs: 24 * 3600_000, leaveUrl: url },
  'offer-withdrawn': { item: LONG_ITEM, position: 2, leaveUrl: url },
  'backorder-ack': { item: LONG_ITEM, quantity: 2, eta, vip: true, cancelUrl: url },
  'backorder-update': { stage: 'status', item: LONG_ITEM, eta, confirmed: true, alternative: { name: LONG_ITEM, url }, offerCancel: true, vip: true, cancelUrl: url },
  'backorder-allocated': { item: LONG_ITEM, quantity: 2, remaining: 1, vip: true },
  'backorder-shipped': { item: LONG_ITEM, quantity: 2, vip: true, tracking: { carrier: 'X'.repeat(100), trackingNumber: '9'.repeat(100), trackingUrl: url } },
  'backorder-cancelled': { item: LONG_ITEM, quantity: 2, order: '#100234', amount: 129900, currency: 'EUR' },
  'backorder-refunded': { item: LONG_ITEM, quantity: 2, order: '#100234', amount: 129900, currency: 'EUR' },
  'eta-changed': { item: LONG_ITEM, from: eta, to: { earliest: '2026-05-01', latest: '2026-05-20' }, reason: 'The supplier moved the container to a later ship because of a port strike.', action: { label: 'cancel', url } },
  'preorder-update': { stage: 'checkin', item: LONG_ITEM, eta, position: 12, leaveUrl: url },
  'still-interested': { item: LONG_ITEM, position: 4321, keepUrl: url, deadline: '2026-03-10T12:00:00Z', leaveUrl: url },
  'signup-exists': { item: LONG_ITEM, position: 4321, manageUrl: url },
  'contact-confirm': { kind: 'phone', value: '+•••••••0123', confirmUrl: url },
  'email-resubscribe': { confirmUrl: url },
  'status-link': { item: LONG_ITEM, quantity: 2, order: '#100234', url },
  'team-link': { kind: 'invite', inviter: 'someone.with.a.rather.long.address@an-extremely-long-shop-domain.example', role: 'owner', url, validMs: 604_800_000 },
  'reply-cancel': { kind: 'order', item: LONG_ITEM, quantity: 2, order: '#100234', url },
};

// Every order and place message ends with its status lines (the order name, the next update, the page): counted too.
for (const [name, props] of Object.entries(emailProps) as Array<[string, Record<string, unknown>]>) {
  if (['signup-optin', 'contact-confirm', 'email-resubscribe'].includes(name)) continue;
  props.status = name.startsWith('backorder-') ? { url, order: '#100234', nextUpdate: '2026-03-12T15:00:00Z' } : { url };
}

const smsProps: Record<keyof typeof smsTemplates, Record<string, unknown>> = {
  'signup-confirmation': { item: LONG_ITEM, position: 1234 },
  'signup-optin': { item: LONG_ITEM, confirmUrl: url },
  offer: { item: LONG_ITEM, expiresAt: '2026-03-03T12:00:00Z', claimUrl: url },
  'offer-followup': { item: LONG_ITEM, expiresAt: '2026-03-03T12:00:00Z', claimUrl: url },
  'ran-out': { item: LONG_ITEM, position: 150 },
  'offer-withdrawn': { item: LONG_ITEM, position: 2 },
  'backorder-ack': { item: LONG_ITEM, order: '#100234', eta, cancelUrl: url },
  'backorder-allocated': { item: LONG_ITEM, order: '#100234' },
  'backorder-shipped': { item: LONG_ITEM, order: '#100234' },
  'backorder-update': { item: LONG_ITEM, order: '#100234', stage: 'cancel', eta, offerCancel: true, url, cancelUrl: url },
  'backorder-cancelled': { item: LONG_ITEM, order: '#100234', amount: 129900, currency: 'EUR' },
  'backorder-refunded': { item: LONG_ITEM, order: '#100234', amount: 129900, currency: 'EUR' },
  'eta-changed': { item: LONG_ITEM, order: '#100234', to: eta },
  'still-interested': { item: LONG_ITEM, position: 4321, keepUrl: url },
  'signup-exists': { item: LONG_ITEM, manageUrl: url },
  'contact-confirm': { kind: 'email', value: 'a•••@example.com', confirmUrl: url },
  'status-link': { item: LONG_ITEM, order: '#100234', url },
  'reply-cancel': { kind: 'order', item: LONG_ITEM, order: '#100234', url },
};

const LONG_REASON = 'The supplier moved the container to a later ship because of a port strike.';
const later = { earliest: '2026-05-01', latest: '2026-05-20' };

/** Every stage and branch a template has, beyond the one in `emailProps`. */
const variations: Array<[keyof typeof emailTemplates, Record<string, unknown>]> = [
  ['signup-confirmation', { kind: 'preorder' }],
  ['offer', { reason: 'cascade' }],
  ['offer', { kind: 'preorder' }],
  ['backorder-update', { stage: 'refine', outcome: 'later', told: eta, eta: later, reason: LONG_REASON }],
  ['backorder-update', { stage: 'refine', outcome: 'earlier', told: later, reason: LONG_REASON }],
  ['backorder-update', { stage: 'refine', outcome: 'unchanged', told: eta }],
  ['backorder-update', { stage: 'refine', outcome: 'confirmed', told: null, reason: LONG_REASON }],
  ['backorder-update', { stage: 'refine', outcome: null, eta: null }],
  ['backorder-update', { stage: 'cancel' }],
  ['backorder-update', { stage: 'cancel', offerCancel: false }],
  ['backorder-update', { stage: 'status', expedite: true }],
  ['backorder-update', { stage: 'refine', vip: false, firstTime: true, faqUrl: url }],
  ['backorder-ack', { vip: true, expedite: true }],
  ['backorder-ack', { vip: true, expedite: true, review: true }],
  ['backorder-ack', { vip: false, firstTime: true, faqUrl: url }],
  ['preorder-update', { stage: 'soon' }],
  ['contact-confirm', { kind: 'email' }],
  ['contact-confirm', { kind: 'resubscribe' }],
  ['signup-exists', { position: null }],
];
const allEmails = [
  ...(Object.keys(emailProps) as Array<keyof typeof emailTemplates>).map((name) => [name, name, emailProps[name] as Record<string, unknown>] as const),
  ...variations.map(([name, over]) => [`${name} ${JSON.stringify(over)}`, name, { ...(emailProps[name] as Record<string, unknown>), ...over }] as const),
];

const ctx = (locale: string): RenderContext => ({
  locale,
  timeZone: 'America/Los_Angeles',
  strings: {},
  shop: { name: LONG_SHOP },
  brand: { logoUrl: null, color: '#1a1a1a' },
  sender: { name: LONG_SHOP, email: 'shop@example.com', address: '1234 Very Long Industrial Park Road, Suite 500, Portland, OR 97201, USA' },
  contact: 'Questions? Reply to this email or call +1 503 555 0100, Monday to Friday 9–5.',
  unsubscribeUrl: url,
});

/**
 * What SPEC §5 limits: the body a reader reads, i.e. the text part's heading,
 * blocks and contact line, everything above the `--` footer (the reason line,
 * sender address and unsubscribe link are legal lines, not the message). URLs count as words.
 */
const words = (text: string) => text.split('\n--\n')[0]!.split(/\s+/).filter(Boolean).length;

describe.each(['en', 'fr'])('every template in %s with long names', (locale) => {
  it.each(allEmails)('email %s: ≤ 150 words in the body, both parts', (_label, name, props) => {
    const render = emailTemplates[name] as (p: unknown, c: RenderContext) => { subject: string; html: string; text: string };
    const { subject, html, text } = render(props, ctx(locale));
    expect(words(text)).toBeLessThanOrEqual(150);
    expect(subject.length).toBeGreaterThan(5);
    expect(html).toContain('<html');
    expect(text).not.toMatch(/\{\w+\}/); // every placeholder filled
    expect(text).not.toMatch(/plural,/); // every plural chosen
  });

  it.each(Object.keys(smsProps) as Array<keyof typeof smsTemplates>)('SMS %s: ≤ 50 words, with the STOP line', (name) => {
    const suffix = ` ${translate(locale, 'sms.stop')}`;
    const text = fitSms(smsTemplates[name] as never, smsProps[name], ctx(locale), suffix);
    expect(text.split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(50);
  });

  it.each(Object.keys(smsProps) as Array<keyof typeof smsTemplates>)('SMS %s: one segment, even the first with the STOP line', (name) => {
    const suffix = ` ${translate(locale, 'sms.stop')}`;
    const text = fitSms(smsTemplates[name] as never, smsProps[name], ctx(locale), suffix);
    expect(text.length).toBeLessThanOrEqual(SMS_LIMIT);
    expect(text).toMatch(/STOP/);
    expect(text).not.toMatch(/\{\w+\}/);
  });
});

describe('order texts', () => {
  const plain = { ...ctx('en'), shop: { name: 'Acme' } };
  it('lead with the order name, the item and its status', () => {
    expect(smsTemplates['backorder-ack']({ item: 'Ocean Tee', order: '#1042', eta, cancelUrl: url }, plain)).toMatch(/^Acme order #1042: Ocean Tee backordered, due Apr 1 – Apr 15\. Cancel\/refund: /);
    expect(smsTemplates['backorder-allocated']({ item: 'Ocean Tee', order: '#1042' }, plain)).toMatch(/^Acme order #1042: Ocean Tee is in stock and being packed/);
    expect(smsTemplates['backorder-shipped']({ item: 'Ocean Tee', order: '#1042' }, plain)).toMatch(/^Acme order #1042: Ocean Tee has shipped/);
    expect(smsTemplates['eta-changed']({ item: 'Ocean Tee', order: '#1042', to: eta }, plain)).toBe('Acme order #1042: Ocean Tee now expected Apr 1 – Apr 15.');
    const update = { item: 'Ocean Tee', order: '#1042', eta, offerCancel: true, url: 'https://w.example/s/a', cancelUrl: 'https://w.example/b/a' };
    expect(smsTemplates['backorder-update']({ ...update, stage: 'status' }, plain)).toBe('Acme order #1042: Ocean Tee still backordered, due Apr 1 – Apr 15. Status: https://w.example/s/a');
    expect(smsTemplates['backorder-update']({ ...update, stage: 'refine', checking: true }, plain)).toBe('Acme order #1042: Ocean Tee still backordered, date being confirmed. Status: https://w.example/s/a');
    expect(smsTemplates['backorder-update']({ ...update, stage: 'cancel' }, plain)).toBe('Acme order #1042: Ocean Tee backordered, due Apr 1 – Apr 15. Cancel/refund: https://w.example/b/a');
    expect(smsTemplates['backorder-update']({ ...update, stage: 'cancel', offerCancel: false }, plain)).toMatch(/Status: https:\/\/w\.example\/s\/a$/);
    expect(smsTemplates['backorder-cancelled']({ item: 'Ocean Tee', order: '#1042', amount: 2500, currency: 'USD' }, plain)).toBe('Acme order #1042: Ocean Tee cancelled, refund of $25.00 requested.');
    expect(smsTemplates['backorder-refunded']({ item: 'Ocean Tee', order: '#1042', amount: 2500, currency: 'USD' }, plain)).toBe('Acme order #1042: refund of $25.00 for Ocean Tee issued.');
  });
  it('a row queued before names were kept, or a pre-order, reads without one rather than print a blank', () => {
    expect(smsTemplates['backorder-shipped']({ item: 'Ocean Tee' }, plain)).toBe('Acme: Ocean Tee is on its way. Thanks for your patience!');
    expect(smsTemplates['eta-changed']({ item: 'Ocean Tee', to: eta }, plain)).toBe('Acme: new dates for Ocean Tee: Apr 1 – Apr 15.');
  });
});

describe('tone by context', () => {
  it('gives a VIP the loyalty line and a first-time buyer the simple version', () => {
    const props = emailProps['backorder-ack'] as Record<string, unknown>;
    const vip = emailTemplates['backorder-ack']({ ...props, vip: true } as never, ctx('en')).text;
    const first = emailTemplates['backorder-ack']({ ...props, vip: false } as never, ctx('en')).text;
    expect(vip).toContain('Thank you for being a regular customer');
    expect(first).not.toContain('regular customer');
  });

  it('offers a VIP express shipping only when the shop does, and points a first-time buyer to the FAQ', () => {
    const props = emailProps['backorder-ack'] as Record<string, unknown>;
    const render = (over: Record<string, unknown>) => emailTemplates['backorder-ack']({ ...props, ...over } as never, ctx('en'));
    expect(render({ vip: true, expedite: true }).text).toContain('Thank you for being a regular customer: yours ships express, free, the day it arrives.');
    expect(render({ vip: true, expedite: false }).text).not.toContain('express');
    const first = render({ vip: false, firstTime: true, faqUrl: 'https://acme.example/pages/faq' });
    expect(first.text).toContain('How a backorder works: we ship it the day it arrives and write to you at every step until then.');
    expect(first.html).toContain('href="https://acme.example/pages/faq"');
    // A returning customer, not a VIP: neither.
    const regular = render({ vip: false, firstTime: false, faqUrl: 'https://acme.example/pages/faq' }).text;
    expect(regular).not.toContain('How a backorder works');
    expect(regular).not.toContain('FAQ');
    // Updates carry the FAQ link, not the explanation again.
    const update = emailTemplates['backorder-update']({ ...(emailProps['backorder-update'] as Record<string, unknown>), vip: false, firstTime: true, faqUrl: 'https://acme.example/pages/faq' } as never, ctx('en'));
    expect(update.text).toContain('Questions? Read our FAQ');
    expect(update.text).not.toContain('How a backorder works');
  });
});
