import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * A shopper types the number as they know it, without a country code: it is
 * read as a number of the shop's `country`. A number with + keeps its own.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const phones = async (shop: Awaited<ReturnType<typeof shopWithVariant>>) =>
  (await shop.admin('GET', '/v1/admin/signups?variantId=4401')).body.signups.map((s: { phone: string }) => s.phone);

describe('a phone without a country code takes the shop country', () => {
  it('storefront signup: (415) 555-0132 in a US shop, 07852 123456 in a GB shop; with + the number keeps its own country', async () => {
    const us = await shopWithVariant(t);
    const a = await us.signup({ phone: '(415) 555-0132', smsConsent: true });
    expect(a.status).toBe(201);
    expect(await phones(us)).toEqual(['+14155550132']);

    const gb = await shopWithVariant(t, {}, { country: 'GB', sms: { allowedCountries: ['GB', 'US'] } });
    expect((await gb.signup({ phone: '07852 123456', smsConsent: true })).status).toBe(201);
    expect((await gb.signup({ phone: '+1 415 555 0132', smsConsent: true })).status).toBe(201);
    expect((await gb.signup({ phone: '0044 7400 123456', smsConsent: true })).status).toBe(201);
    expect(await phones(gb)).toEqual(['+447852123456', '+14155550132', '+447400123456']);
    // The same person typed two ways is one contact, already in line.
    expect((await gb.signup({ phone: '+44 7852 123456', smsConsent: true })).body.signup.status).toBe('exists');
  });

  it.each([
    ['a US number without its code, in a GB shop', '(415) 555-0132', 'GB'],
    // Ofcom keeps 07700 900xxx for drama: no real phone has one.
    ['a number from the UK drama range', '07700 900123', 'GB'],
    ['too few digits', '555-0132', 'US'],
    ['letters', 'call me', 'US'],
  ])('%s → 400 on phone, nothing stored', async (_, phone, country) => {
    const shop = await shopWithVariant(t, {}, { country });
    const before = await rowCounts(t);
    const res = await shop.signup({ email: 'a@example.com', phone, smsConsent: true });
    expect([res.status, res.body.error.field]).toEqual([400, 'phone']);
    expect(res.body.error.message).toContain(country);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('admin orders, contact lookups and the signup import read a national number the same way', async () => {
    const shop = await shopWithVariant(t, {}, { country: 'GB' });
    const order = await shop.admin('POST', '/v1/admin/orders', {
      id: 'o-1', email: 'ann@example.com', phone: '07852 123456', currency: 'GBP', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }],
    });
    expect(order.status).toBe(201);
    const found = await shop.admin('GET', `/v1/admin/contacts/export?phone=${encodeURIComponent('07852 123456')}`);
    expect([found.status, found.body.contact.email, found.body.contact.phone]).toEqual([200, 'ann@example.com', '+447852123456']);
    const bad = await shop.admin('POST', '/v1/admin/orders', {
      id: 'o-2', email: 'bob@example.com', phone: '(415) 555-0132', currency: 'GBP', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }],
    });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'phone']);

    const imported = await t.call('POST', '/v1/admin/signups/import', {
      raw: 'email,phone,variant\ncy@example.com,07400 123456,4401\ndee@example.com,(415) 555-0132,4401\n',
      headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' },
    });
    expect(imported.body).toMatchObject({ imported: 1, errors: [{ row: 3, field: 'phone' }] });
    expect(await phones(shop)).toEqual(['+447400123456']);
  });
});
