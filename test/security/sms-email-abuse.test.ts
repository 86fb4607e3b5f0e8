import { sql, type SQL } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { createApp } from '../../server/app.ts';
import { createDeps } from '../../server/deps.ts';
import { addressHash } from '../../server/services/messages/limits.ts';
import { scheduleSendLimitsPrune } from '../../server/services/messages/prune-limits.ts';
import { rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const HOUR = 3_600_000;

const query = (q: SQL) => rows<Record<string, any>>(t.deps.db, q);
const texts = (shopId: string) => query(sql`select "to", status, error from messages where shop_id = ${shopId} and channel = 'sms' order by id`);
const escalationsOf = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/escalations')).body.escalations as Array<Record<string, any>>;
/** Distinct valid US numbers (FIXED_LINE_OR_MOBILE): +1 415 555 01nn. */
const usNumber = (n: number) => `+1415555${String(100 + n).padStart(4, '0')}`;

describe('settings: country, sms, emailCapPerDay', () => {
  it('defaults to US, texting the shop country at 200 an hour, and 5 confirmation emails a day', async () => {
    const shop = await t.createShop();
    const { body } = await shop.admin('GET', '/v1/admin/settings');
    expect(body.settings).toMatchObject({ country: 'US', sms: { allowedCountries: ['US'], hourlyBudget: 200 }, emailCapPerDay: 5 });
  });

  it('SMS countries follow the shop country until named, and PATCH changes only what it names', async () => {
    const shop = await t.createShop();
    expect((await shop.admin('PATCH', '/v1/admin/settings', { country: 'gb' })).body.settings).toMatchObject({ country: 'GB', sms: { allowedCountries: ['GB'] } });
    const budget = await shop.admin('PATCH', '/v1/admin/settings', { sms: { hourlyBudget: 50 } });
    expect(budget.body.settings.sms).toEqual({ allowedCountries: ['GB'], hourlyBudget: 50 });
    expect((await shop.admin('PATCH', '/v1/admin/settings', { country: 'FR' })).body.settings.sms).toEqual({ allowedCountries: ['FR'], hourlyBudget: 50 });
    const named = await shop.admin('PATCH', '/v1/admin/settings', { sms: { allowedCountries: ['US', 'CA'] }, emailCapPerDay: 2 });
    expect(named.body.settings).toMatchObject({ country: 'FR', sms: { allowedCountries: ['US', 'CA'], hourlyBudget: 50 }, emailCapPerDay: 2 });
    expect((await shop.admin('PATCH', '/v1/admin/settings', { country: 'DE' })).body.settings.sms.allowedCountries).toEqual(['US', 'CA']);
  });

  it.each([
    ['country', { country: 'XX' }],
    ['country', { country: 'USA' }],
    ['country', { country: 'UK' }],
    ['country', { country: 1 }],
    ['sms.allowedCountries', { sms: { allowedCountries: [] } }],
    ['sms.allowedCountries.1', { sms: { allowedCountries: ['US', 'ZZ'] } }],
    ['sms.hourlyBudget', { sms: { hourlyBudget: 0 } }],
    ['sms.hourlyBudget', { sms: { hourlyBudget: 2.5 } }],
    ['sms', { sms: { hourlyBudget: 10, daily: 5 } }],
    ['emailCapPerDay', { emailCapPerDay: 0 }],
    ['emailCapPerDay', { emailCapPerDay: 1000 }],
  ])('PATCH refuses %s in %j with a 400 and changes nothing', async (field, patch) => {
    const shop = await t.createShop();
    const before = (await shop.admin('GET', '/v1/admin/settings')).body.settings;
    const res = await shop.admin('PATCH', '/v1/admin/settings', patch);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    if (field === 'sms') expect(res.body.error.message).toBe('Unknown field: daily');
    else expect(res.body.error.field).toBe(field);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings).toEqual(before);
  });
});

describe('storefront phones: mobiles only, in the shop countries', () => {
  it.each([
    ['+44 909 879 0000', 'premium-rate'],
    ['+33 8 11 23 45 67', 'shared-cost'],
    ['+1 800 555 0123', 'toll-free'],
    ['+44 30 1234 5678', 'UAN'],
    ['+39 321 234 56781', 'voicemail'],
    ['+44 70 1234 5678', 'personal forwarding'],
    ['+44 76 0123 4567', 'pager'],
    ['+44 20 7946 0000', 'landline'],
    ['+44 56 1234 5678', 'VoIP'],
  ])('refuses %s (%s) with a 400 on phone; nothing stored, nothing sent', async (phone, kind) => {
    const shop = await shopWithVariant(t, {}, { sms: { allowedCountries: ['US', 'GB', 'FR', 'IT'], hourlyBudget: 200 } });
    const before = await rowCounts(t);
    const res = await shop.signup({ email: 'a@example.com', phone, smsConsent: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'phone' });
    expect(res.body.error.message).toContain(kind);
    expect(res.body.error.message).toContain('give a mobile number');
    expect(await rowCounts(t)).toEqual(before);
    expect(await t.dispatch()).toEqual({ sent: 0, failed: 0, retrying: 0 });
  });

  it.each(['+1 415 555 2671', '+1 201 555 0123'])('accepts the US number %s (fixed line or mobile), texts it and counts it against the budget', async (phone) => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    expect((await shop.signup({ phone, smsConsent: true })).status).toBe(201);
    expect(await texts(shop.id)).toEqual([{ to: phone.replaceAll(' ', ''), status: 'queued', error: null }]);
    expect(await query(sql`select shop_id, sent, held from sms_budget`)).toEqual([{ shop_id: shop.id, sent: 1, held: 0 }]);
  });

  it.each([
    { settings: {}, phone: '+44 7400 123456', refused: 'GB' },
    { settings: { sms: { allowedCountries: ['US', 'GB'], hourlyBudget: 200 } }, phone: '+44 7400 123456', refused: null },
    { settings: { country: 'GB' }, phone: '+44 7400 123456', refused: null },
    { settings: { country: 'GB' }, phone: '+1 415 555 2671', refused: 'US' },
    { settings: { sms: { allowedCountries: ['GB'], hourlyBudget: 200 } }, phone: '+1 415 555 2671', refused: 'US' },
  ])('with $settings, $phone is refused for $refused', async ({ settings, phone, refused }) => {
    const shop = await shopWithVariant(t, {}, { quietHours: null, ...settings });
    const before = await rowCounts(t);
    const res = await shop.signup({ email: 'a@example.com', phone, smsConsent: true });
    if (refused) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ field: 'phone', message: `phone is a ${refused} number, and we can't text numbers in ${refused}` });
      expect(await rowCounts(t)).toEqual(before);
    } else {
      expect(res.status).toBe(201);
      expect((await texts(shop.id)).map((m) => m.status)).toEqual(['queued']);
    }
  });

  it('a number from an import is kept for the record but never texted outside the allowed countries', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    const csv = 'phone,variant,sms_consent\n+447400123456,4401,yes\n+14155552671,4401,yes\n';
    const imported = await t.call('POST', '/v1/admin/signups/import', { raw: csv, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });
    expect(imported.body).toMatchObject({ imported: 2, errorCount: 0 });
    expect((await query(sql`select phone from contacts where shop_id = ${shop.id} order by id`)).map((c) => c.phone)).toEqual(['+447400123456', '+14155552671']);
    expect((await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 })).status).toBe(200);
    expect((await texts(shop.id)).map((m) => m.to)).toEqual(['+14155552671']);
  });
});

describe('hourly SMS budget', () => {
  const phoneSignups = async (shop: Shop, from: number, count: number) => {
    for (let i = from; i < from + count; i++) expect((await shop.signup({ phone: usNumber(i), smsConsent: true })).status).toBe(201);
  };

  it('past the budget texts are held back, the merchant is told once that hour, and the next hour texts again', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null, sms: { allowedCountries: null, hourlyBudget: 3 } });
    const other = await shopWithVariant(t, {}, { quietHours: null, sms: { allowedCountries: null, hourlyBudget: 3 } });
    await phoneSignups(shop, 0, 6);
    // Signups still succeed; their texts are recorded as held, with the reason.
    expect((await texts(shop.id)).map((m) => [m.status, m.error])).toEqual([
      ...Array(3).fill(['queued', null]),
      ...Array(3).fill(['suppressed', 'SMS budget of 3/hour reached']),
    ]);
    const [escalation, ...more] = await escalationsOf(shop);
    expect(more).toEqual([]);
    expect(escalation).toMatchObject({ kind: 'sms_budget', status: 'open', summary: 'SMS budget of 3/hour reached: 3 texts held back this hour.' });
    expect(escalation!.recommendedAction).toContain('raise sms.hourlyBudget');
    expect(escalation!.recommendedAction).toContain('SMS pumping');
    expect(await t.dispatch()).toEqual({ sent: 3, failed: 0, retrying: 0 });

    // Another shop's budget is its own.
    await phoneSignups(other, 100, 3);
    expect((await texts(other.id)).map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    expect(await escalationsOf(other)).toEqual([]);
    expect(await t.dispatch()).toEqual({ sent: 3, failed: 0, retrying: 0 });

    t.clock.advance(HOUR);
    await phoneSignups(shop, 6, 4);
    expect((await texts(shop.id)).slice(6).map((m) => m.status)).toEqual(['queued', 'queued', 'queued', 'suppressed']);
    expect(await t.dispatch()).toEqual({ sent: 3, failed: 0, retrying: 0 });
    // One escalation per hour: a second for the new hour, none more.
    expect((await escalationsOf(shop)).map((e) => e.summary)).toEqual([
      'SMS budget of 3/hour reached: 1 text held back this hour.',
      'SMS budget of 3/hour reached: 3 texts held back this hour.',
    ]);
  });

  it('is counted in the database, so two server processes share one budget', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null, sms: { allowedCountries: null, hourlyBudget: 4 } });
    const second = await createDeps(t.config, { clock: t.clock, log: () => {} });
    try {
      const app = createApp(second);
      const signupVia = (n: number) =>
        app.request('/v1/storefront/signups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: shop.pk, variantId: '4401', phone: usNumber(n), smsConsent: true }) });
      for (let i = 0; i < 6; i++) expect(i % 2 ? (await signupVia(i)).status : (await shop.signup({ phone: usNumber(i), smsConsent: true })).status).toBe(201);
    } finally {
      await second.close();
    }
    expect((await texts(shop.id)).map((m) => m.status)).toEqual(['queued', 'queued', 'queued', 'queued', 'suppressed', 'suppressed']);
    expect(await escalationsOf(shop)).toHaveLength(1);
  });
});

describe('daily confirmation email cap', () => {
  /** Confirmation emails to the inbox of `address`, however each was spelled. */
  const confirmations = async (address: string) =>
    (await query(sql`select "to", status, error from messages where channel = 'email' and template like 'signup-%' order by id`)).filter((m) => addressHash(m.to) === addressHash(address));

  it('caps one inbox across shops, variants and spellings; the signups still succeed', async () => {
    const a = await shopWithVariant(t);
    const b = await shopWithVariant(t);
    for (const shop of [a, b]) {
      const put = await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
      expect(put.status).toBe(201);
    }
    const attempts: Array<[Shop, string, string]> = [
      [a, '4401', 'victim@gmail.com'],
      [a, '4402', 'Victim+deals@gmail.com'],
      [b, '4401', 'v.i.c.t.i.m@googlemail.com'],
      [b, '4402', 'victim@gmail.com'],
      [a, '4401', 'victim+1@gmail.com'],
      [b, '4401', 'vic.tim+2@gmail.com'],
      [a, '4402', 'VICTIM+3@GMAIL.COM'],
    ];
    for (const [shop, variantId, email] of attempts) expect((await shop.signup({ variantId, email })).status).toBe(201);
    expect((await rowCounts(t)).signups).toBe(7);
    const sent = await confirmations('victim@gmail.com');
    expect(sent.map((m) => m.status)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued', 'suppressed', 'suppressed']);
    expect(sent[6]!.error).toBe('daily cap of 5 confirmation emails for this address reached');
    expect(await t.dispatch()).toEqual({ sent: 5, failed: 0, retrying: 0 });

    // Another inbox is not affected, and the next day the victim's cap starts again.
    expect((await a.signup({ variantId: '4401', email: 'someone@example.com' })).status).toBe(201);
    expect((await confirmations('someone@example.com')).map((m) => m.status)).toEqual(['queued']);
    t.clock.advance(24 * HOUR);
    expect((await b.signup({ variantId: '4402', email: 'victim+4@gmail.com' })).status).toBe(201);
    expect((await confirmations('victim@gmail.com')).at(-1)!.status).toBe('queued');
  });

  it('uses the shop cap, keeps only a hash of the address, and counts double opt-in requests', async () => {
    const shop = await shopWithVariant(t, {}, { emailCapPerDay: 1, doubleOptIn: true });
    await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
    expect((await shop.signup({ email: 'x@example.com' })).status).toBe(201);
    t.clock.advance(25 * HOUR);
    expect((await shop.signup({ variantId: '4402', email: 'x+again@example.com' })).status).toBe(201);
    expect((await shop.signup({ variantId: '4401', email: 'x+more@example.com' })).status).toBe(201);
    expect((await confirmations('x@example.com')).map((m) => m.status)).toEqual(['queued', 'queued', 'suppressed']);
    const caps = await query(sql`select * from email_caps`);
    expect(caps.map((c) => c.address_hash)).toEqual([addressHash('x@example.com'), addressHash('x@example.com')]);
    expect(JSON.stringify(caps)).not.toContain('example.com');
  });
});

describe('counters', () => {
  it('keep only the current and previous hour and day, pruned by the hourly job', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await scheduleSendLimitsPrune(t.deps);
    expect((await shop.signup({ email: 'a@example.com', phone: usNumber(1), smsConsent: true })).status).toBe(201);
    t.clock.advance(HOUR);
    await runJobs(t);
    expect([(await query(sql`select * from sms_budget`)).length, (await query(sql`select * from email_caps`)).length]).toEqual([1, 1]);
    t.clock.advance(2 * 24 * HOUR);
    expect((await shop.signup({ email: 'b@example.com', phone: usNumber(2), smsConsent: true })).status).toBe(201);
    await runJobs(t);
    expect(await query(sql`select sent from sms_budget`)).toEqual([{ sent: 1 }]);
    expect(await query(sql`select address_hash from email_caps`)).toEqual([{ address_hash: addressHash('b@example.com') }]);
  });
});
