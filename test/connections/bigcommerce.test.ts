import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { platformReservations } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { syncReservations } from '../../server/services/platform/reservations.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { BIGCOMMERCE_SECRET_HEADER } from '../../server/platforms/bigcommerce/api.ts';
import { allMessages, runJobs, setup, type TestEnv } from '../helpers.ts';
import { startBigCommerceStub, type BigCommerceStub, type StubBcProduct } from '../stubs/bigcommerce-stub.ts';

/*
 * Issue 20: a BigCommerce store connected through PUT
 * /v1/admin/connections/bigcommerce, against a stub answering like its v2/v3
 * APIs (test/stubs/bigcommerce-stub.ts). Keys checked, webhooks registered with
 * a secret header, the catalog imported; a stock change on the store runs a
 * restock, held units come off the store's stock, an order the store cannot
 * fill becomes a backorder, a shipment ships it, a customer's cancel is
 * refunded on the store, and reconciliation finds what a lost webhook missed.
 */

const HASH = 'abc123def';
const TOKEN = 'bc_token_for_tests_0001';

let t: TestEnv;
let stub: BigCommerceStub;
let hoodie: StubBcProduct;
beforeEach(async () => {
  stub = await startBigCommerceStub({ storeHash: HASH, accessToken: TOKEN, name: 'Harbor Goods', domain: 'harbor.example' });
  hoodie = stub.addProduct({ name: 'Harbor Hoodie', price: 40, tracking: 'variant', options: [{ labels: ['S'], stock: 0 }, { labels: ['M'], stock: 3 }] });
  stub.addProduct({ name: 'Tote', price: 12, tracking: 'none' });
  t = await setup({ BIGCOMMERCE_API_ORIGIN: stub.url, WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_RECONCILE_MS: '86400000' });
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

const count = async (table: string) => Number((await first<{ n: number }>(t.deps.db, sql`select count(*) as n from ${sql.identifier(table)}`))!.n);
const nothingStored = async () => ({ connections: await count('connections'), hooks: await count('connection_webhooks'), jobs: await count('jobs'), atStore: stub.webhooks.length });
const tick = () => {
  t.clock.advance(1000);
  return t.clock.now();
};
const small = () => String(hoodie.variants[0]!.id);

async function connected() {
  const shop = await t.createShop('Harbor Goods');
  const res = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: TOKEN });
  expect(res.status).toBe(200);
  await runJobs(t);
  await shop.admin('PATCH', '/v1/admin/settings', { quietHours: null });
  return shop;
}

/** A delivery as BigCommerce posts it, with the secret header set on that scope's webhook (or `secret`). */
function deliver(scope: string, data: Record<string, unknown>, secret?: string) {
  const payload = stub.webhookPayload(scope, data);
  const hook = stub.webhooks.find((h) => h.scope === scope)!;
  return t.call('POST', '/webhooks/bigcommerce', {
    raw: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', [BIGCOMMERCE_SECRET_HEADER]: secret ?? hook.headers![BIGCOMMERCE_SECRET_HEADER]! },
  });
}
/** A second passes between the store's events, as it would: a level read after an order counts it. */
async function webhook(scope: string, data: Record<string, unknown>) {
  t.clock.advance(1000);
  expect((await deliver(scope, data)).status).toBe(200);
  await runJobs(t);
}
/** The store's stock of the small hoodie changes, and it says so. */
async function stockBecomes(level: number) {
  stub.setStock(hoodie.variants[0]!.id, level);
  await webhook('store/sku/inventory/updated', { type: 'sku', id: hoodie.variants[0]!.id, inventory: { product_id: hoodie.id, method: 'absolute', value: level, variant_id: hoodie.variants[0]!.id } });
}

describe('PUT /v1/admin/connections/bigcommerce', () => {
  it('connects: webhooks registered with their secret header, origins allowed, variants and stock imported', async () => {
    const shop = await t.createShop('Harbor Goods');
    const res = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({ platform: 'bigcommerce', account: HASH, status: 'connected', catalog: { status: 'queued' } });
    expect(stub.webhooks.map((h) => h.scope).sort()).toEqual(['store/order/created', 'store/order/statusUpdated', 'store/product/inventory/updated', 'store/sku/inventory/updated']);
    expect(stub.webhooks.every((h) => h.destination === 'https://waitline.test/webhooks/bigcommerce' && (h.headers?.[BIGCOMMERCE_SECRET_HEADER]?.length ?? 0) >= 32)).toBe(true);
    // Each webhook its own secret, and none of them is handed back.
    expect(new Set(stub.webhooks.map((h) => h.headers![BIGCOMMERCE_SECRET_HEADER])).size).toBe(4);
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    expect(JSON.stringify(res.body)).not.toContain(stub.webhooks[0]!.headers![BIGCOMMERCE_SECRET_HEADER]);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.allowedOrigins).toContain('https://harbor.example');

    await runJobs(t);
    const { variants } = (await shop.admin('GET', '/v1/admin/variants')).body;
    expect(variants.map((v: { id: string; title: string; inventory: number }) => [v.id, v.title, v.inventory]).sort()).toEqual(
      [
        [String(hoodie.variants[0]!.id), 'S', 0],
        [String(hoodie.variants[1]!.id), 'M', 3],
        [expect.any(String), '', 0],
      ].sort(),
    );
    expect((await shop.admin('GET', '/v1/admin/connections')).body.connections[0].catalog).toMatchObject({ status: 'done', products: 2, variants: 3 });
  });

  it('a token BigCommerce refuses, a missing scope or a store that does not answer: a 4xx naming it, and nothing stored', async () => {
    const shop = await t.createShop('Harbor Goods');
    const wrong = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: 'not_the_token_0001' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_request', field: 'accessToken' });
    expect(wrong.body.error.message).toMatch(/BigCommerce refused these credentials/);

    stub.scopes.delete('store_v2_orders');
    const scope = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: TOKEN });
    expect(scope.status).toBe(400);
    expect(scope.body.error.field).toBe('accessToken');
    expect(scope.body.error.message).toMatch(/Orders/);
    stub.scopes.set('store_v2_orders', 'modify');

    stub.failNext(100, 503);
    const down = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: TOKEN });
    expect(down.status).toBe(400);
    expect(down.body.error).toMatchObject({ field: 'storeHash' });
    expect(down.body.error.message).toMatch(/did not answer/);
    stub.failNext(0, 503);

    const hash = await shop.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: 'https://store-abc.mybigcommerce.com', accessToken: TOKEN });
    expect(hash.status).toBe(400);
    expect(hash.body.error.field).toBe('storeHash');
    expect(await nothingStored()).toEqual({ connections: 0, hooks: 0, jobs: 0, atStore: 0 });
  });

  it('a store connected to one shop is refused to another before anything reaches BigCommerce', async () => {
    await connected();
    const before = stub.requests.length;
    const other = await t.createShop('Other');
    const res = await other.admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: HASH, accessToken: TOKEN });
    expect(res.status).toBe(409);
    expect(stub.requests.length).toBe(before);
  });
});

describe('webhooks from BigCommerce', () => {
  it('a stock rise on the store runs a restock; a forged delivery is 401 and stores nothing; a repeat is done once', async () => {
    const shop = await connected();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: small(), email: 'ann@example.com' } });
    const before = await count('webhook_events');

    stub.setStock(hoodie.variants[0]!.id, 1);
    const forged = await deliver('store/sku/inventory/updated', { type: 'sku', id: 1, inventory: { product_id: hoodie.id } }, 'a'.repeat(43));
    expect(forged.status).toBe(401);
    expect(await count('webhook_events')).toBe(before);
    // Another store's name on the payload with this store's secret is no better.
    const hook = stub.webhooks.find((h) => h.scope === 'store/sku/inventory/updated')!;
    const elsewhere = await t.call('POST', '/webhooks/bigcommerce', {
      raw: JSON.stringify({ ...stub.webhookPayload(hook.scope, { type: 'sku', id: 1 }), producer: 'stores/zzz999zzz' }),
      headers: { 'content-type': 'application/json', [BIGCOMMERCE_SECRET_HEADER]: hook.headers![BIGCOMMERCE_SECRET_HEADER]! },
    });
    expect(elsewhere.status).toBe(401);

    const data = { type: 'sku', id: hoodie.variants[0]!.id, inventory: { product_id: hoodie.id, method: 'absolute', value: 1, variant_id: hoodie.variants[0]!.id } };
    expect((await deliver('store/sku/inventory/updated', data)).body.status).toBe('queued');
    expect((await deliver('store/sku/inventory/updated', data)).body.status).toBe('duplicate');
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['ann@example.com']);
    const { connections } = (await shop.admin('GET', '/v1/admin/connections')).body;
    expect(connections[0].webhooks.find((w: { topic: string }) => w.topic === 'store/sku/inventory/updated').lastArrivedAt).not.toBeNull();
  });

  it('an order the store cannot fill becomes a backorder; its shipment ships it, with the tracking', async () => {
    const shop = await connected();
    const order = stub.addOrder({ createdAt: tick(), email: 'jane@example.com', lines: [{ variantId: hoodie.variants[0]!.id, productId: hoodie.id, quantity: 2, price: 40 }] });
    stub.setStock(hoodie.variants[0]!.id, -2);
    await webhook('store/order/created', { type: 'order', id: order.id });
    await stockBecomes(-2);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(line).toMatchObject({ orderId: String(order.id), orderName: String(order.id), variantId: small(), quantity: 2, status: 'open' });
    expect((await allMessages(t)).map((m) => m.template)).toContain('backorder-ack');

    // Stock arrives, the merchant packs and ships it on BigCommerce.
    await stockBecomes(0);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('allocated');
    stub.addShipment(order.id, { items: [{ orderProductId: order.products[0]!.id, quantity: 2 }], trackingNumber: '1Z999', carrier: 'ups', link: 'https://track.example/1Z999' });
    stub.setOrderStatus(order.id, 2);
    await webhook('store/order/statusUpdated', { type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 2 } });
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0]).toMatchObject({ status: 'shipped' });
    const shipped = (await allMessages(t)).find((m) => m.template === 'backorder-shipped')!;
    expect(shipped.text).toContain('1Z999');
  });

  it('a cancel on the store takes the order out of the queue', async () => {
    const shop = await connected();
    const order = stub.addOrder({ createdAt: tick(), email: 'jane@example.com', lines: [{ variantId: hoodie.variants[0]!.id, productId: hoodie.id, quantity: 1, price: 40 }] });
    stub.setStock(hoodie.variants[0]!.id, -1);
    await webhook('store/order/created', { type: 'order', id: order.id });
    await stockBecomes(-1);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('open');
    stub.setOrderStatus(order.id, 5);
    await webhook('store/order/statusUpdated', { type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 5 } });
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('cancelled');
  });
});

describe('any arrival order gives the same backorders', () => {
  type Step = 'a' | 'b' | 'stock' | 'reconcile';
  it.each<[string, Step[]]>([
    ['orders, then stock', ['a', 'b', 'stock']],
    ['stock, then the orders backwards', ['stock', 'b', 'a']],
    ['one order, reconciliation, the other', ['b', 'reconcile', 'a']],
    ['reconciliation before any order (nobody waits yet, so it reads nothing), then the orders', ['reconcile', 'a', 'b']],
  ])('%s: of 1 in stock, order A (1) is filled and order B (2) is owed 2', async (_, steps) => {
    const shop = await connected();
    await stockBecomes(1);
    const line = (quantity: number, email: string) => stub.addOrder({ createdAt: tick(), email, lines: [{ variantId: hoodie.variants[0]!.id, productId: hoodie.id, quantity, price: 40 }] });
    const a = line(1, 'a@example.com');
    const b = line(2, 'b@example.com');
    stub.setStock(hoodie.variants[0]!.id, -2);
    tick();
    for (const step of steps) {
      if (step === 'a' || step === 'b') await webhook('store/order/created', { type: 'order', id: (step === 'a' ? a : b).id });
      else if (step === 'stock') await webhook('store/sku/inventory/updated', { type: 'sku', id: hoodie.variants[0]!.id, inventory: { product_id: hoodie.id } });
      else {
        await reconcile(t.deps);
        await runJobs(t);
      }
    }
    // A line no level has covered yet is judged on what is known once WAITLINE_SETTLE_MS has passed.
    t.clock.advance(6 * 60_000);
    await runJobs(t);
    const owed = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders.map((l: { orderId: string; quantity: number }) => [l.orderId, l.quantity]);
    expect(owed).toEqual([[String(b.id), 2]]);
  });
});

describe('holds on BigCommerce', () => {
  it('a held unit comes off the store’s stock by a relative adjustment, is not read as a sale, and goes back at claim and on disconnect', async () => {
    const shop = await connected();
    const signup = (await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: small(), email: 'ann@example.com' } })).body.signup;
    await stockBecomes(1);
    expect(stub.adjustments.map((a) => a.items[0]!.quantity)).toEqual([-1]);
    expect(stub.stockOf(hoodie.variants[0]!.id)).toBe(0);
    // BigCommerce tells us of our own adjustment, and reconciliation reads the same: neither is a sale.
    await stockBecomes(0);
    await reconcile(t.deps);
    const variant = (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === small());
    expect(variant).toMatchObject({ inventory: 1, activeHolds: 1, available: 0 });
    expect((await shop.admin('GET', '/v1/admin/connections')).body.connections[0].reservations).toMatchObject({ units: 1, variants: 1, problems: [] });

    // The holder follows the claim link: the unit is back on sale for their checkout.
    const claimUrl = (await t.call('GET', `/v1/storefront/signups/${signup.token}`)).body.signup.offer.claimUrl as string;
    expect((await t.call('GET', new URL(claimUrl).pathname)).status).toBe(302);
    expect(stub.stockOf(hoodie.variants[0]!.id)).toBe(1);
    await runJobs(t);

    // Past the checkout window with no order it is held again; disconnecting gives it back for good.
    t.clock.advance(31 * 60_000);
    await runJobs(t);
    expect(stub.stockOf(hoodie.variants[0]!.id)).toBe(0);
    expect((await shop.admin('DELETE', '/v1/admin/connections/bigcommerce')).status).toBe(204);
    expect(stub.stockOf(hoodie.variants[0]!.id)).toBe(1);
    expect(stub.webhooks).toEqual([]);
    expect(await count('platform_reservations')).toBe(0);
  });

  it('an adjustment whose outcome was lost (the process died after asking) is decided from the level: made once, never twice', async () => {
    const shop = await connected();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: small(), email: 'ann@example.com' } });
    await stockBecomes(1);
    expect(stub.adjustments).toHaveLength(1);
    const died = { reserved: 0, pendingKey: 'waitline-hold-lost-1', pendingDelta: 1, pendingBefore: 1, pendingAt: t.clock.now() };
    const where = and(eq(platformReservations.shopId, shop.id), eq(platformReservations.variantId, small()));
    const ledger = async () => (await t.deps.db.select().from(platformReservations).where(where))[0]!;

    // It reached the store (the level is 1 lower than before it): taken as made, not sent again.
    await transaction(t.deps.db, (tx) => tx.update(platformReservations).set(died).where(where));
    await syncReservations(t.deps, shop.id, small());
    expect(stub.adjustments).toHaveLength(1);
    expect(await ledger()).toMatchObject({ reserved: 1, pendingKey: null });

    // It never reached the store (the level is as before): sent again, once.
    stub.setStock(hoodie.variants[0]!.id, 1);
    await transaction(t.deps.db, (tx) => tx.update(platformReservations).set(died).where(where));
    await syncReservations(t.deps, shop.id, small());
    expect(stub.adjustments).toHaveLength(2);
    expect(stub.stockOf(hoodie.variants[0]!.id)).toBe(0);
    expect(await ledger()).toMatchObject({ reserved: 1, pendingKey: null });
  });
});

describe('reconciliation and write-back on BigCommerce', () => {
  it('a stock rise whose webhook was lost is found by reconciliation', async () => {
    const shop = await connected();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: small(), email: 'ann@example.com' } });
    stub.setStock(hoodie.variants[0]!.id, 2);
    const report = await reconcile(t.deps);
    expect(report).toMatchObject({ shops: 1, checked: 1, changed: 1 });
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['ann@example.com']);
  });

  it('a customer’s cancel is refunded on the store, and they hear "issued" only once BigCommerce made it', async () => {
    const shop = await connected();
    const order = stub.addOrder({ createdAt: tick(), email: 'jane@example.com', lines: [{ variantId: hoodie.variants[0]!.id, productId: hoodie.id, quantity: 2, price: 40 }] });
    stub.setStock(hoodie.variants[0]!.id, -2);
    await webhook('store/order/created', { type: 'order', id: order.id });
    await stockBecomes(-2);
    const ack = (await allMessages(t)).find((m) => m.template === 'backorder-ack')!;
    const link = /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec(ack.text)![1]!;
    const cancel = await t.call('POST', link);
    expect(cancel.status).toBe(200);
    expect(stub.refunds).toHaveLength(0);
    await runJobs(t);
    expect(stub.refunds).toHaveLength(1);
    expect(stub.refunds[0]!.reason).toMatch(/\[waitline backorder \d+\]/);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0]).toMatchObject({ status: 'refunded', refundedAmount: 8000 });
    expect((await allMessages(t)).filter((m) => m.to === 'jane@example.com').map((m) => m.template)).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
    const [log] = (await shop.admin('GET', '/v1/admin/write-backs')).body.writeBacks;
    expect(log).toMatchObject({ platform: 'bigcommerce', status: 'done' });
  });

  it('a refund BigCommerce will not make goes to a person, and nobody is told money moved', async () => {
    const shop = await connected();
    const order = stub.addOrder({ createdAt: tick(), email: 'jane@example.com', lines: [{ variantId: hoodie.variants[0]!.id, productId: hoodie.id, quantity: 1, price: 40 }] });
    stub.setStock(hoodie.variants[0]!.id, -1);
    await webhook('store/order/created', { type: 'order', id: order.id });
    await stockBecomes(-1);
    const link = /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec((await allMessages(t)).find((m) => m.template === 'backorder-ack')!.text)![1]!;
    stub.refuseRefunds = true;
    await t.call('POST', link);
    await runJobs(t);
    expect(stub.refunds).toHaveLength(0);
    expect((await allMessages(t)).map((m) => m.template)).not.toContain('backorder-refunded');
    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalations.filter((e: { kind: string }) => e.kind === 'refund')).toHaveLength(1);
  });
});
