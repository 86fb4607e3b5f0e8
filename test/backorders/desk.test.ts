import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connections, writeBacks } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { allMessages, rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { reply } from '../replies/take-reply.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;

async function ordered(shop: Shop, n: number) {
  for (let i = 1; i <= n; i++) {
    const res = await shop.admin('POST', '/v1/admin/orders', { id: `o${i}`, name: `#10${i}`, email: `c${i}@example.com`, currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    expect(res.status).toBe(201);
  }
  return ((await shop.admin('GET', '/v1/admin/backorders')).body.backorders as Array<{ id: number; orderId: string }>).map((b) => b.id);
}

describe('the backorder desk: bulk actions', () => {
  it('ships many lines with one tracking, line by line: a line already shipped or of another shop is reported, the rest go', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const other = await shopWithVariant(t, { inventory: 0 });
    const [a, b, c] = await ordered(shop, 3);
    const [foreign] = await ordered(other, 1);
    await shop.admin('POST', `/v1/admin/backorders/${c}/fulfilled`, {});
    const res = await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'fulfilled', ids: [a, b, c, foreign], carrier: 'UPS', trackingNumber: '1Z999' });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { id: number; ok: boolean; error?: { code: string } }) => [r.id, r.ok, r.error?.code])).toEqual([
      [a, true, undefined],
      [b, true, undefined],
      [c, false, 'conflict'],
      [foreign, false, 'not_found'],
    ]);
    const shipped = (await allMessages(t)).filter((m) => m.template === 'backorder-shipped' && m.shopId === shop.id);
    expect(shipped.map((m) => m.to).sort()).toEqual(['c1@example.com', 'c2@example.com', 'c3@example.com']);
    expect(shipped.find((m) => m.to === 'c1@example.com')!.text).toContain('1Z999');
    expect((await other.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('open');
  });

  it('cancels many lines with the refund the merchant made; each customer is told once', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const ids = await ordered(shop, 2);
    const res = await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'refunded', ids: [...ids, ids[0]] });
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
    expect((await shop.admin('GET', '/v1/admin/backorders?status=refunded')).body.backorders).toHaveLength(2);
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-refunded')).toHaveLength(2);
  });

  it('a connected store sends its own fulfillments: shipping in bulk by hand is a 409, and nothing changes', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const ids = await ordered(shop, 1);
    const now = t.clock.now();
    await transaction(t.deps.db, (tx) =>
      tx.insert(connections).values({ shopId: shop.id, platform: 'woocommerce', account: 'https://shop.example', method: 'token', credentials: 'sealed', scopes: [], origins: [], syncStatus: 'done', productsImported: 0, variantsImported: 0, createdAt: now, updatedAt: now }),
    );
    const before = await rowCounts(t);
    const res = await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'fulfilled', ids });
    expect([res.status, res.body.error.code]).toEqual([409, 'conflict']);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('on a connected store, cancel with refund asks the store for the refund: the customer hears "requested", never "issued"', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const ids = await ordered(shop, 2);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 }); // o1's unit is in stock and set aside
    const now = t.clock.now();
    await transaction(t.deps.db, (tx) =>
      tx.insert(connections).values({ shopId: shop.id, platform: 'woocommerce', account: 'https://shop.example', method: 'token', credentials: 'sealed', scopes: [], origins: [], syncStatus: 'done', productsImported: 0, variantsImported: 0, createdAt: now, updatedAt: now }),
    );
    const res = await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'refunded', ids });
    expect(res.body.results.map((r: { id: number; ok: boolean; error?: { message: string } }) => [r.id, r.ok, r.error?.message])).toEqual([
      [ids[0], false, 'Every unit of this line is in stock and set aside: nothing owed is left to refund'],
      [ids[1], true, undefined],
    ]);
    expect(res.body.results[1].backorder).toMatchObject({ status: 'cancelled', refundedAt: null });
    const told = (await allMessages(t)).filter((m) => m.to === 'c2@example.com').map((m) => m.template);
    expect(told).toEqual(['backorder-ack', 'backorder-cancelled']);
    const pending = await t.deps.db.select().from(writeBacks);
    expect(pending.map((w) => [w.kind, w.backorderId, w.status, w.requestedBy])).toEqual([['refund', ids[1], 'pending', 'merchant']]);
    // Again: already cancelled, nothing asked twice.
    const again = await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'refunded', ids: [ids[1]] });
    expect(again.body.results[0]).toMatchObject({ ok: false, error: { code: 'conflict', message: 'This backorder line was already cancelled' } });
    expect(await t.deps.db.select().from(writeBacks)).toHaveLength(1);
  });

  it.each([
    ['no ids', { action: 'fulfilled', ids: [] }, 'ids'],
    ['201 ids', { action: 'refunded', ids: Array.from({ length: 201 }, (_, i) => i + 1) }, 'ids'],
    ['an unknown action', { action: 'explode', ids: [1] }, 'action'],
    ['tracking on a refund', { action: 'refunded', ids: [1], trackingNumber: 'x' }, undefined],
  ])('%s is a 400 in the error shape', async (_name, body, field) => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    const res = await shop.admin('POST', '/v1/admin/backorders/bulk', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    if (field) expect(res.body.error.field).toBe(field);
  });
});

describe('the backorder desk: outcome report', () => {
  it('lines handled, messages, replies by who handled them, cancellations, and deflected lines', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 }, { sender: { name: 'Acme', email: 'orders@acme.example', address: '' } });
    const [quiet, wrote, cancelled, waiting] = await ordered(shop, 4);
    await t.dispatch();
    // c2 writes twice: a thanks (handled automatically) and a question (for a person).
    await reply(t.deps, shop.id, 'email', 'c2@example.com', 'Thanks!');
    await reply(t.deps, shop.id, 'email', 'c2@example.com', 'When will it ship?');
    await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'fulfilled', ids: [quiet, wrote] });
    await shop.admin('POST', '/v1/admin/backorders/bulk', { action: 'refunded', ids: [cancelled] });
    expect(waiting).toBeDefined();
    await t.dispatch();
    const { report } = (await shop.admin('GET', '/v1/admin/backorders/report')).body;
    expect(report).toEqual({
      period: { from: '2026-02-01', to: '2026-03-02' },
      backorders: { handled: 4, open: 1, allocated: 0, shipped: 2, cancelled: 0, refunded: 1 },
      messagesSent: 7,
      replies: { total: 2, automatic: 1, byPerson: 1 },
      cancellations: 1,
      // Shipped with nobody writing in: o1. o2 wrote; o3 was refunded with no contact at all.
      deflected: { count: 2, of: 3, rate: 2 / 3 },
    });
    const bad = await shop.admin('GET', '/v1/admin/backorders/report?from=2026-03-05&to=2026-03-01');
    expect([bad.status, bad.body.error.field]).toEqual([400, 'from']);
  });
});
