import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../server/transports/types.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const restock = (shop: Shop, body: Record<string, unknown>, id = '4401') => shop.admin('POST', `/v1/admin/variants/${id}/inventory`, body);
const progressOf = async (shop: Shop, id: number) => (await shop.admin('GET', `/v1/admin/restocks/${id}`)).body.restock.progress;

/** Five in line (one by phone only), three units: three offers and two "still #k" notices. */
async function restocked(settings: Record<string, unknown> = {}) {
  const shop = await shopWithVariant(t, {}, settings);
  for (let i = 0; i < 5; i++) await shop.signup(i === 1 ? { phone: '+14155550123', smsConsent: true } : { email: `p${i}@example.com` });
  await t.dispatch(); // the confirmations are not the restock's
  const res = await restock(shop, { available: 3 });
  expect(res.status).toBe(200);
  return { shop, id: res.body.restockId as number };
}

function failing(error: string): Transport {
  return { name: 'resend', channel: 'email', batchSize: 100, send: async (batch) => batch.map(() => ({ ok: false, retryable: false, error })) };
}

describe('restock progress', () => {
  it('the inventory call names its restock; a fall or no change has none', async () => {
    const { shop, id } = await restocked();
    expect(id).toEqual(expect.any(Number));
    expect((await restock(shop, { available: 1 })).body.restockId).toBeNull();
    expect((await restock(shop, { available: 1 })).body.restockId).toBeNull();
  });

  it('counts the restock’s messages and reaches done at 100% once the dispatcher has sent them', async () => {
    const { shop, id } = await restocked();
    const res = await shop.admin('GET', `/v1/admin/restocks/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.restock).toEqual({
      id,
      variantId: '4401',
      from: 0,
      to: 3,
      units: 3,
      backordersServed: 0,
      offered: 3,
      unitsHeld: 3,
      stillWaiting: 2,
      createdAt: '2026-03-02T12:00:00.000Z',
      progress: { offers: 3, messages: { total: 5, queued: 5, sent: 0, failed: 0 }, percent: 0, done: false },
    });
    await t.dispatch();
    expect(await progressOf(shop, id)).toEqual({ offers: 3, messages: { total: 5, queued: 0, sent: 5, failed: 0 }, percent: 100, done: true });
  });

  it('counts what a transport refused as failed, and still finishes', async () => {
    const { shop, id } = await restocked();
    t.deps.transports.email = failing('validation_error: invalid from');
    await t.dispatch();
    // Four emails refused; the one SMS went through the outbox.
    expect(await progressOf(shop, id)).toEqual({ offers: 3, messages: { total: 5, queued: 0, sent: 1, failed: 4 }, percent: 100, done: true });
  });

  it('does not wait for texts held back by quiet hours', async () => {
    t.clock.set('2026-03-02T22:00:00Z');
    const { shop, id } = await restocked();
    expect(await progressOf(shop, id)).toMatchObject({ messages: { total: 4, queued: 4 }, done: false });
    await t.dispatch();
    expect(await progressOf(shop, id)).toEqual({ offers: 3, messages: { total: 4, queued: 0, sent: 4, failed: 0 }, percent: 100, done: true });
    t.clock.set('2026-03-03T08:00:00Z');
    await t.dispatch();
    expect((await progressOf(shop, id)).messages).toEqual({ total: 5, queued: 0, sent: 5, failed: 0 });
  });

  it('counts the "on its way" notices of the backorders the rise served', async () => {
    const shop = await shopWithVariant(t);
    const order = { id: 'o-1', email: 'buyer@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] };
    expect((await shop.admin('POST', '/v1/admin/orders', order)).status).toBe(201);
    await shop.signup({ email: 'p0@example.com' });
    await t.dispatch();
    const res = await restock(shop, { available: 1 });
    expect(res.body.allocation).toMatchObject({ backordersServed: 1, offered: 1 });
    expect((await progressOf(shop, res.body.restockId)).messages).toEqual({ total: 2, queued: 2, sent: 0, failed: 0 });
  });

  it('a restock that told nobody is done at 100%', async () => {
    const shop = await shopWithVariant(t);
    const res = await restock(shop, { available: 2 });
    expect(await progressOf(shop, res.body.restockId)).toEqual({ offers: 0, messages: { total: 0, queued: 0, sent: 0, failed: 0 }, percent: 100, done: true });
  });

  it('lists restocks newest first, by variant, a page at a time', async () => {
    const { shop, id } = await restocked();
    await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0 });
    const second = (await restock(shop, { available: 1 }, '4402')).body.restockId;
    const all = await shop.admin('GET', '/v1/admin/restocks');
    expect(all.status).toBe(200);
    expect(all.body.restocks.map((r: { id: number }) => r.id)).toEqual([second, id]);
    expect(all.body.restocks[1]).toEqual((await shop.admin('GET', `/v1/admin/restocks/${id}`)).body.restock);
    expect(all.body.nextCursor).toBeNull();
    const page = await shop.admin('GET', '/v1/admin/restocks?limit=1');
    expect(page.body).toMatchObject({ restocks: [{ id: second }], nextCursor: String(second) });
    expect((await shop.admin('GET', `/v1/admin/restocks?limit=1&cursor=${second}`)).body).toMatchObject({ restocks: [{ id }], nextCursor: null });
    expect((await shop.admin('GET', '/v1/admin/restocks?variantId=4401')).body.restocks.map((r: { id: number }) => r.id)).toEqual([id]);
  });

  it.each(['/v1/admin/restocks/abc', '/v1/admin/restocks/0', '/v1/admin/restocks/abc/events', '/v1/admin/restocks?limit=0', '/v1/admin/restocks?limit=101', '/v1/admin/restocks?cursor=x'])(
    'rejects %s',
    async (path) => {
      const shop = await t.createShop();
      const res = await shop.admin('GET', path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    },
  );

  it('needs the secret key and never shows another shop’s restock', async () => {
    const { shop, id } = await restocked();
    for (const path of ['/v1/admin/restocks', `/v1/admin/restocks/${id}`, `/v1/admin/restocks/${id}/events`]) {
      expect((await t.call('GET', path)).status).toBe(401);
      expect((await t.call('GET', path, { headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
    }
    const other = await t.createShop('Other Shop');
    for (const path of [`/v1/admin/restocks/${id}`, `/v1/admin/restocks/${id}/events`]) {
      const res = await other.admin('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await other.admin('GET', '/v1/admin/restocks')).body).toEqual({ restocks: [], nextCursor: null });
    expect((await shop.admin('GET', `/v1/admin/restocks/${id + 1}`)).status).toBe(404);
  });
});
