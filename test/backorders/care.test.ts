import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;
const ETA = { earliest: '2026-03-20', latest: '2026-03-27' };
const PHONE = '+14155550123';

/** An order of one backordered unit; `ordersCount` is the platform's count, this order included. */
const order = (shop: Shop, id: string, ordersCount?: number) =>
  shop.admin('POST', '/v1/admin/orders', { id, name: `#${id}`, email: `${id}@example.com`, ordersCount, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
const mail = async (to: string) => (await allMessages(t)).filter((m) => m.to === to);
const updates = async (to: string) => (await mail(to)).filter((m) => m.template === 'backorder-update');

/** Day by day, the days on which each address heard a cadence update. */
async function updateDays(addresses: string[], days: number) {
  const heard = new Map(addresses.map((a) => [a, [] as number[]]));
  for (let day = 1; day <= days; day++) {
    t.clock.advance(DAY);
    await runJobs(t);
    for (const a of addresses) if ((await updates(a)).length > heard.get(a)!.length) heard.get(a)!.push(day);
  }
  return Object.fromEntries(heard);
}

describe('VIP care', () => {
  it('a VIP hears on days 2, 5, 9 and 14 with the loyalty line, then a person takes over; others keep days 3, 7 and 14', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA });
    expect((await order(shop, 'vip', 4)).status).toBe(201); // three orders before this one: a VIP at the default of 3
    expect((await order(shop, 'regular', 3)).status).toBe(201);
    expect(await updateDays(['vip@example.com', 'regular@example.com'], 16)).toEqual({ 'vip@example.com': [2, 5, 9, 14], 'regular@example.com': [3, 7, 14] });

    const vip = await updates('vip@example.com');
    expect(vip.map((m) => m.props.stage)).toEqual(['refine', 'status', 'status', 'cancel']);
    for (const m of vip) expect(m.text).toContain('Thank you for being a regular customer');
    // Each update names the next one; the day-14 check goes to a person, not to a cancel offer.
    expect(vip[1]!.text).toContain('Next update by');
    expect(vip[3]!.text).not.toContain('Cancel for a full refund');
    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalations.map((e: { kind: string; orderId: string }) => `${e.kind}:${e.orderId}`)).toEqual(['vip_day14:vip']);
    for (const m of await updates('regular@example.com')) expect(m.text).not.toContain('regular customer');
  });

  it('takes its cadence from the settings, down to seconds, and the status page names the next step', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA });
    const patched = await shop.admin('PATCH', '/v1/admin/settings', { vipCare: { cadence: ['PT10S', 'PT20S', 'PT30S'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.vipCare).toEqual({ cadence: ['PT10S', 'PT20S', 'PT30S'], expeditedShipping: false });
    const at = t.clock.now().getTime();
    await order(shop, 'vip', 9);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(line.nextUpdateAt).toBe(new Date(at + 10_000).toISOString());
    const stages: string[] = [];
    for (let s = 0; s < 4; s++) {
      t.clock.advance(10_000);
      await runJobs(t);
      stages.push((await updates('vip@example.com')).map((m) => m.props.stage).join(','));
    }
    expect(stages).toEqual(['refine', 'refine,status', 'refine,status,cancel', 'refine,status,cancel']);
  });

  it('offers express shipping only once the shop turns it on, and only to VIPs', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA });
    await order(shop, 'before', 5);
    expect((await shop.admin('PATCH', '/v1/admin/settings', { vipCare: { expeditedShipping: true } })).body.settings.vipCare).toEqual({
      cadence: ['P2D', 'P5D', 'P9D', 'P14D'],
      expeditedShipping: true,
    });
    await order(shop, 'after', 5);
    await order(shop, 'regular', 2);
    const ack = async (to: string) => (await mail(to)).find((m) => m.template === 'backorder-ack')!.text;
    expect(await ack('before@example.com')).not.toContain('express');
    expect(await ack('after@example.com')).toContain('Thank you for being a regular customer: yours ships express, free, the day it arrives.');
    expect(await ack('regular@example.com')).not.toContain('express');
    t.clock.advance(2 * DAY);
    await runJobs(t);
    expect((await updates('after@example.com'))[0]!.text).toContain('ships express');
  });
});

describe('first-time buyers', () => {
  it('get how a backorder works and the FAQ, in every order message; a returning customer gets neither', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA }, { faqUrl: 'https://acme.example/pages/faq' });
    await order(shop, 'first', 1);
    await order(shop, 'back', 2);
    await t.dispatch();
    const [ack] = await mail('first@example.com');
    expect(ack!.text).toContain('How a backorder works: we ship it the day it arrives and write to you at every step until then.');
    expect(ack!.text).toContain('Questions? Read our FAQ: https://acme.example/pages/faq');
    expect(ack!.text).not.toContain('We ship it the moment it arrives');
    const [returning] = await mail('back@example.com');
    expect(returning!.text).toContain('We ship it the moment it arrives');
    expect(returning!.text).not.toMatch(/How a backorder works|FAQ/);
    t.clock.advance(3 * DAY);
    await runJobs(t);
    expect((await updates('first@example.com'))[0]!.text).toContain('Questions? Read our FAQ');
    expect((await updates('back@example.com'))[0]!.text).not.toContain('FAQ');
  });
});

describe('bad care settings', () => {
  it.each([
    [{ vipCare: { cadence: ['P5D', 'P2D'] } }, 'vipCare.cadence', 'increasing'],
    [{ vipCare: { cadence: ['P2D'] } }, 'vipCare.cadence', 'at least two'],
    [{ vipCare: { cadence: ['P1D', 'P2D', 'P3D', 'P4D', 'P5D', 'P6D', 'P7D'] } }, 'vipCare.cadence', 'at most 6'],
    [{ vipCare: { cadence: ['P2D', 'soon'] } }, 'vipCare.cadence.1', 'ISO 8601'],
    [{ vipCare: { expeditedShipping: 'yes' } }, 'vipCare.expeditedShipping', ''],
    [{ faqUrl: 'javascript:alert(1)' }, 'faqUrl', ''],
  ])('%j is a 400 naming %s, and nothing changes', async (patch, field, words) => {
    const shop = await shopWithVariant(t);
    const before = (await shop.admin('GET', '/v1/admin/settings')).body.settings;
    const res = await shop.admin('PATCH', '/v1/admin/settings', patch);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field });
    expect(res.body.error.message).toContain(words);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings).toEqual(before);
  });
});

describe('texts for the whole cadence', () => {
  it('a customer who consented to texts hears every step by SMS as well as by email; one who did not, by email only', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA }, { quietHours: null });
    // Consent comes from the storefront: a waitlist signup with the box ticked.
    expect((await shop.signup({ email: 'texted@example.com', phone: PHONE, smsConsent: true })).status).toBe(201);
    const counts = await rowCounts(t);
    await order(shop, 'texted', 2);
    expect((await rowCounts(t)).messages).toBeGreaterThan(counts.messages);
    await shop.admin('POST', '/v1/admin/orders', { id: 'plain', name: '#plain', email: 'plain@example.com', phone: '+14155550199', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    t.clock.advance(DAY);
    await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-03-24', latest: '2026-03-30', reason: 'Port delay' });
    for (let d = 0; d < 15; d++) {
      t.clock.advance(DAY);
      await runJobs(t);
    }
    const texts = async (to: string) => (await mail(to)).filter((m) => m.channel === 'sms');
    const sms = await texts(PHONE);
    expect(sms.map((m) => `${m.template}${m.props.stage ? `:${m.props.stage}` : ''}`)).toEqual([
      'signup-confirmation',
      'backorder-ack',
      'eta-changed',
      'backorder-update:refine',
      'backorder-update:status',
      'backorder-update:cancel',
    ]);
    await t.dispatch();
    const rendered = await texts(PHONE);
    expect(rendered[3]!.text).toMatch(/^Acme Goods order #texted: Ocean Tee – S still backordered, due Mar 24 – Mar 30\. Status: https:\/\/waitline\.test\/s\/[\w-]+/);
    expect(rendered[5]!.text).toMatch(/^Acme Goods order #texted: Ocean Tee – S backordered, due Mar 24 – Mar 30\. Cancel\/refund: https:\/\/waitline\.test\/b\/[\w-]+/);
    // The email went too, each step once.
    expect((await mail('texted@example.com')).map((m) => m.template)).toEqual(['signup-confirmation', 'backorder-ack', 'eta-changed', 'backorder-update', 'backorder-update', 'backorder-update']);
    // A phone from an order is kept, never texted: no consent.
    expect(await texts('+14155550199')).toEqual([]);

    // Stock comes: the line is set aside, then the merchant ships it.
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 3 });
    const [line] = (await shop.admin('GET', '/v1/admin/backorders?status=allocated')).body.backorders;
    expect(line.orderId).toBe('texted');
    await shop.admin('POST', `/v1/admin/backorders/${line.id}/fulfilled`, { carrier: 'UPS', trackingNumber: '1Z999' });
    expect((await texts(PHONE)).map((m) => m.template).slice(-2)).toEqual(['backorder-allocated', 'backorder-shipped']);
  });

  it('a cancel and a refund reach a texting customer by SMS too, with the amount', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: ETA }, { quietHours: null });
    await shop.signup({ email: 'texted@example.com', phone: PHONE, smsConsent: true });
    await order(shop, 'texted', 2);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    const ack = (await mail('texted@example.com')).find((m) => m.template === 'backorder-ack')!;
    await t.dispatch();
    const cancelPath = /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec((await mail('texted@example.com')).find((m) => m.id === ack.id)!.text)![1]!;
    expect((await t.call('POST', cancelPath)).status).toBe(200);
    expect((await shop.admin('POST', `/v1/admin/backorders/${line.id}/refunded`, {})).status).toBe(200);
    await t.dispatch();
    const sms = (await mail(PHONE)).filter((m) => ['backorder-cancelled', 'backorder-refunded'].includes(m.template));
    expect(sms.map((m) => m.text)).toEqual([
      expect.stringMatching(/^Acme Goods order #texted: Ocean Tee – S cancelled, refund of \$25\.00 requested\./),
      expect.stringMatching(/^Acme Goods order #texted: refund of \$25\.00 for Ocean Tee – S issued\./),
    ]);
  });
});
