import { afterEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
afterEach(() => t.cleanup());

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const SENT = "If we found an order with that number for that address, we've sent its status link there.";

/** Acme's order #1042 by buyer@example.com, 2 × Ocean Tee – S backordered. */
async function world(env: Record<string, string> = { WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }) {
  t = await setup(env);
  const shop = await shopWithVariant(t, {});
  const placed = await shop.admin('POST', '/v1/admin/orders', {
    id: '5550001', name: '#1042', email: 'buyer@example.com', phone: '+14155550132', currency: 'USD', total: 5000,
    lineItems: [{ variantId: '4401', quantity: 2, price: 2500 }],
  });
  expect(placed.status).toBe(201);
  await t.dispatch();
  const ask = (fields: Record<string, string>, pk = shop.pk) =>
    t.call('POST', '/status', { raw: new URLSearchParams({ shop: pk, ...fields }).toString(), headers: form });
  const links = async () => (await allMessages(t)).filter((m) => m.template === 'status-link');
  return { shop, ask, links };
}

describe('GET /status', () => {
  it("shows the shop's form with its key hidden; an unknown or missing key is a 404 page", async () => {
    const { shop } = await world();
    const res = await t.call('GET', `/status?shop=${shop.pk}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Find your order');
    expect(res.body).toContain(`name="shop" value="${shop.pk}"`);
    expect((await t.call('GET', '/status?shop=pk_unknown')).status).toBe(404);
    expect((await t.call('GET', '/status')).status).toBe(404);
    expect((await t.call('GET', `/status?shop=${shop.sk}`)).status).toBe(404);
  });
});

describe('POST /status', () => {
  it("sends one email to the contact's own address for a match, none for a non-match, with the same page both times", async () => {
    const { ask, links } = await world();
    const hit = await ask({ order: '1042', contact: ' Buyer@Example.com ' });
    expect(hit.status).toBe(200);
    expect(hit.body).toContain(SENT);
    const sent = await links();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: 'email', to: 'buyer@example.com', subject: 'Your order #1042 at Acme Goods' });
    const link = (sent[0]!.text as string).match(/https:\/\/waitline\.test\/s\/[\w-]+/)?.[0];
    expect(link).toBeDefined();
    // The link is never on the page that asked.
    expect(hit.body).not.toContain(link!.slice('https://waitline.test'.length));
    const page = await t.call('GET', link!.slice('https://waitline.test'.length));
    expect(page.status).toBe(200);
    expect(page.body).toContain('Your order #1042');

    for (const miss of [{ order: '1043', contact: 'buyer@example.com' }, { order: '1042', contact: 'someone@example.com' }]) {
      const res = await ask(miss);
      expect(res.status).toBe(200);
      expect(res.body).toBe(hit.body);
    }
    expect(await links()).toHaveLength(1);
  });

  it('finds the order by its name with the sign, or its id; asking again the same day sends once', async () => {
    const { ask, links } = await world();
    await ask({ order: '#1042', contact: 'buyer@example.com' });
    await ask({ order: '5550001', contact: 'buyer@example.com' });
    expect(await links()).toHaveLength(1);
    t.clock.advance(86_400_000);
    await ask({ order: '#1042', contact: 'buyer@example.com' });
    expect(await links()).toHaveLength(2);
  });

  it('a phone finds the order too, and the link goes to an address on the order, never another', async () => {
    const { ask, links } = await world();
    await ask({ order: '1042', contact: '(415) 555-0132' });
    const sent = await links();
    expect(sent).toHaveLength(1);
    // Numbers from orders are kept, not texted (no SMS consent): the email on the order gets it.
    expect(sent[0]).toMatchObject({ to: 'buyer@example.com' });
  });

  it("another shop's key never finds this shop's order", async () => {
    const { ask, links } = await world();
    const other = await t.createShop('Other Store');
    const res = await ask({ order: '1042', contact: 'buyer@example.com' }, other.pk);
    expect(res.status).toBe(200);
    expect(res.body).toContain(SENT);
    expect(await links()).toHaveLength(0);
  });

  it.each([
    ['no order number', { contact: 'buyer@example.com' }, 'Please enter your order number.'],
    ['a blank order number', { order: '  ', contact: 'buyer@example.com' }, 'Please enter your order number.'],
    ['a bad email', { order: '1042', contact: 'buyer@' }, 'Please enter a valid email address or phone number.'],
    ['no address', { order: '1042' }, 'Please enter a valid email address or phone number.'],
  ])('%s is a 400 page naming the field, and nothing is sent', async (_name, fields, text) => {
    const { ask } = await world();
    const before = await rowCounts(t);
    const res = await ask(fields);
    expect(res.status).toBe(400);
    expect(res.body).toContain(text);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('is rate limited per IP and per address: a 429 page with Retry-After', async () => {
    const { ask, links } = await world({ WAITLINE_RATE_PER_IP: '3', WAITLINE_RATE_PER_EMAIL: '0' });
    for (let i = 0; i < 3; i++) expect((await ask({ order: '1042', contact: 'buyer@example.com' })).status).toBe(200);
    const limited = await ask({ order: '1042', contact: 'buyer@example.com' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many tries');
    expect(await links()).toHaveLength(1);
  });

  it('limits each address across IPs', async () => {
    const { shop, links } = await world({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '2' });
    const from = (ip: string) =>
      t.call('POST', '/status', { raw: new URLSearchParams({ shop: shop.pk, order: '1042', contact: 'buyer@example.com' }).toString(), headers: { ...form, 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).status).toBe(200);
    expect((await from('203.0.113.2')).status).toBe(200);
    expect((await from('203.0.113.3')).status).toBe(429);
    expect(await links()).toHaveLength(1);
  });
});
