import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { connections } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { syncCatalog } from '../../server/services/connections/sync.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { allMessages, runJobs, setup, type TestEnv } from '../helpers.ts';
import { generateWooCatalog, startWooCommerceStub, type WooCommerceStub, type WooStubProduct } from '../stubs/woocommerce-stub.ts';

/*
 * Issue 20: a WooCommerce store connected through PUT
 * /v1/admin/connections/woocommerce, against a stub answering like
 * /wp-json/wc/v3 over plain http (so every request is OAuth 1.0a-signed).
 * The stub listens on 127.0.0.1, which the address guard refuses unless
 * WAITLINE_ALLOW_PRIVATE_WEBHOOKS is set: the suite sets it, and one case
 * shows the refusal without it.
 */

const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
const SECRET = 'cs_0123456789abcdef0123456789abcdef01234567';

let t: TestEnv | undefined;
let stub: WooCommerceStub;
let hoodie: WooStubProduct;
let tote: WooStubProduct;
beforeEach(async () => {
  // The store's clock is the test's: OAuth timestamps are checked against it.
  stub = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET, name: 'Linen &amp; Co', now: () => (t ? t.clock.now() : new Date()) });
  hoodie = stub.addVariableProduct({ name: 'Harbor Hoodie', price: '40.00' }, [
    { option: 'S', price: '40.00', manage_stock: true, stock_quantity: 0 },
    { option: 'M', price: '40.00', manage_stock: true, stock_quantity: 3 },
  ]);
  tote = stub.addSimpleProduct({ name: 'Canvas Tote', price: '12.00', manage_stock: true, stock_quantity: 0 });
  t = await env({ WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
});
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  await stub.close();
});

const env = (extra: Record<string, string> = {}) => setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_RECONCILE_MS: '86400000', ...extra });
const count = async (table: string) => Number((await first<{ n: number }>(t!.deps.db, sql`select count(*) as n from ${sql.identifier(table)}`))!.n);
const nothingStored = async () => ({ connections: await count('connections'), hooks: await count('connection_webhooks'), jobs: await count('jobs'), atStore: stub.webhooks.length });
const small = () => hoodie.variations[0]!.id;
const tick = () => {
  t!.clock.advance(1000);
  return t!.clock.now();
};

async function connected() {
  const shop = await t!.createShop('Linen & Co');
  const res = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET });
  expect(res.status).toBe(200);
  await runJobs(t!);
  await shop.admin('PATCH', '/v1/admin/settings', { quietHours: null });
  return shop;
}

/** A delivery as WooCommerce signs it, with the webhook's own secret; a second passes first, as between a store's events. */
function deliver(topic: string, payload: unknown, alter: (d: ReturnType<WooCommerceStub['webhookDelivery']>) => void = () => {}) {
  tick();
  const d = stub.webhookDelivery(topic, payload);
  alter(d);
  return t!.call('POST', '/webhooks/woocommerce', { raw: d.body, headers: d.headers });
}
async function webhook(topic: string, payload: unknown) {
  expect((await deliver(topic, payload)).status).toBe(200);
  await runJobs(t!);
}
/** The small hoodie's stock changes on the store, which says so. */
async function stockBecomes(level: number) {
  stub.setStock(small(), level);
  await webhook('product.updated', stub.productJson(small()));
}
/** An order placed on the store, paid: its `product.updated` and `order.created` arrive in either order. */
async function order(quantity: number, email = 'jane@example.com') {
  // A sequential-numbers plugin names it: customers know the number, not the id.
  const placed = stub.addOrder({ status: 'processing', number: `WC-${2040 + quantity}`, email, dateCreated: tick(), lines: [{ productId: hoodie.id, variationId: small(), quantity, price: '40.00' }] });
  await webhook('order.created', placed);
  await webhook('product.updated', stub.productJson(small()));
  return placed as { id: number; line_items: Array<{ id: number }> };
}

describe('PUT /v1/admin/connections/woocommerce', () => {
  it('connects with OAuth-signed requests over http: webhooks with their own secrets, origin allowed, catalog imported', async () => {
    const shop = await t!.createShop('Linen & Co');
    const res = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: `${stub.url}/`, consumerKey: KEY, consumerSecret: SECRET });
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({ platform: 'woocommerce', account: stub.url, status: 'connected', catalog: { status: 'queued' } });
    expect(stub.webhooks.map((w) => [w.topic, w.delivery_url, w.status]).sort()).toEqual(
      ['order.created', 'order.updated', 'product.updated'].map((topic) => [topic, 'https://waitline.test/webhooks/woocommerce', 'active']),
    );
    expect(new Set(stub.webhooks.map((w) => w.secret)).size).toBe(3);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(stub.requests.every((r) => r.auth === 'oauth' || r.path === '/wp-json/')).toBe(true);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.allowedOrigins).toContain(new URL(stub.url).origin);

    await runJobs(t!);
    const { variants } = (await shop.admin('GET', '/v1/admin/variants')).body;
    expect(variants.map((v: { id: string; title: string; inventory: number; price: number }) => [v.id, v.title, v.inventory, v.price]).sort()).toEqual(
      [
        [String(small()), 'S', 0, 4000],
        [String(hoodie.variations[1]!.id), 'M', 3, 4000],
        [String(tote.id), '', 0, 1200],
      ].sort(),
    );
  });

  it('connecting again replaces the webhooks: deleted on the same store, or on the old store when it moved', async () => {
    const shop = await connected();
    const first = stub.webhooks.map((w) => w.id);
    expect((await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET })).status).toBe(200);
    expect(stub.webhooks).toHaveLength(3);
    expect(stub.webhooks.some((w) => first.includes(w.id))).toBe(false);

    const other = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET, now: () => t!.clock.now() });
    try {
      // The other store has a webhook of its own with the same id as one of ours: it is not ours to delete.
      other.webhooks.push({ ...stub.webhooks[0]!, delivery_url: 'https://another-app.example/hook' });
      expect((await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: other.url, consumerKey: KEY, consumerSecret: SECRET })).status).toBe(200);
      expect(stub.webhooks).toEqual([]);
      expect(other.webhooks.map((w) => w.delivery_url).filter((u) => u.includes('another-app'))).toHaveLength(1);
      expect(other.webhooks).toHaveLength(4);
    } finally {
      await other.close();
    }
  });

  it('wrong keys, a read-only key, no store, or a private address: a 4xx naming it, and nothing stored', async () => {
    const shop = await t!.createShop('Linen & Co');
    const wrong = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: `cs_${'f'.repeat(40)}` });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_request', field: 'consumerKey' });
    expect(wrong.body.error.message).toMatch(/WooCommerce refused these credentials/);

    stub.permissions = 'read';
    const readOnly = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.error.message).toMatch(/Read\/Write/);
    stub.permissions = 'read_write';

    stub.woocommerceActive = false;
    const none = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET });
    expect(none.status).toBe(400);
    expect(none.body.error.field).toBe('storeUrl');
    stub.woocommerceActive = true;

    const bad = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: 'ftp://shop.example', consumerKey: KEY, consumerSecret: SECRET });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('storeUrl');
    expect(await nothingStored()).toEqual({ connections: 0, hooks: 0, jobs: 0, atStore: 0 });
  });

  it('a store address on a private network is refused before a byte is sent', async () => {
    await t!.cleanup();
    t = await env();
    const shop = await t.createShop('Linen & Co');
    const before = stub.requests.length;
    const res = await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'storeUrl' });
    expect(res.body.error.message).toMatch(/private, loopback or metadata/);
    expect(stub.requests.length).toBe(before);
    expect(await nothingStored()).toEqual({ connections: 0, hooks: 0, jobs: 0, atStore: 0 });
  });
});

describe('the catalog import', () => {
  it('a store that stops answering fails the page, not the import: the next run resumes at that page', async () => {
    stub.products = generateWooCatalog(45, 2);
    const shop = await t!.createShop('Linen & Co');
    expect((await shop.admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: stub.url, consumerKey: KEY, consumerSecret: SECRET })).status).toBe(200);
    const [connection] = await t!.deps.db.select().from(connections);
    // The first page is in; then every answer is a 503, past the client's retries.
    await transaction(t!.deps.db, (tx) => tx.update(connections).set({ syncStatus: 'running', syncCursor: '2', productsImported: 20 }).where(eq(connections.id, connection!.id)));
    stub.failNext(1000, 503);
    await expect(syncCatalog(t!.deps, connection!.id)).rejects.toThrow();
    const [stopped] = await t!.deps.db.select().from(connections);
    expect(stopped).toMatchObject({ syncStatus: 'running', syncCursor: '2' });
    expect(stopped!.error).toMatch(/503|did not answer|unavailable/i);

    stub.failNext(0, 503);
    const asked = stub.requests.length;
    await syncCatalog(t!.deps, connection!.id);
    const pages = stub.requests.slice(asked).filter((r) => r.path.endsWith('/wc/v3/products')).map((r) => new URLSearchParams(r.query).get('page'));
    expect(pages).toEqual(['2', '3']);
    expect((await t!.deps.db.select().from(connections))[0]).toMatchObject({ syncStatus: 'done', productsImported: 45, error: null });
  });
});

describe('webhooks from WooCommerce', () => {
  it('a stock rise runs a restock; a forged or unsigned delivery is 401 and stores nothing; a repeat is done once; the ping is answered', async () => {
    const shop = await connected();
    await t!.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: String(small()), email: 'ann@example.com' } });
    const before = await count('webhook_events');

    stub.setStock(small(), 1);
    const payload = stub.productJson(small());
    const forged = await deliver('product.updated', payload, (d) => (d.headers['x-wc-webhook-signature'] = Buffer.alloc(32).toString('base64')));
    expect(forged.status).toBe(401);
    const unsigned = await deliver('product.updated', payload, (d) => delete d.headers['x-wc-webhook-signature']);
    expect(unsigned.status).toBe(401);
    // Signed with another webhook's secret: each topic's secret is its own.
    const crossed = await deliver('product.updated', payload, (d) => {
      const other = stub.webhooks.find((w) => w.topic === 'order.created')!;
      d.headers['x-wc-webhook-id'] = String(other.id);
    });
    expect(crossed.status).toBe(401);
    expect(await count('webhook_events')).toBe(before);

    const ping = await t!.call('POST', '/webhooks/woocommerce', { raw: `webhook_id=${stub.webhooks[0]!.id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ping.status).toBe(200);
    expect(await count('webhook_events')).toBe(before);

    const d = stub.webhookDelivery('product.updated', payload);
    expect((await t!.call('POST', '/webhooks/woocommerce', { raw: d.body, headers: d.headers })).body.status).toBe('queued');
    expect((await t!.call('POST', '/webhooks/woocommerce', { raw: d.body, headers: d.headers })).body.status).toBe('duplicate');
    await runJobs(t!);
    expect((await allMessages(t!)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['ann@example.com']);
  });

  it('an order the store cannot fill becomes a backorder; "completed" with a tracking number ships it', async () => {
    const shop = await connected();
    const placed = await order(2);
    expect(stub.stockOf(small())).toBe(-2);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(line).toMatchObject({ orderId: String(placed.id), orderName: 'WC-2042', variantId: String(small()), quantity: 2, status: 'open' });

    await stockBecomes(0);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('allocated');
    const completed = stub.setOrderStatus(placed.id, 'completed', [{ tracking_provider: 'usps', tracking_number: '9400111', custom_tracking_link: 'https://track.example/9400111' }]);
    await webhook('order.updated', completed);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('shipped');
    expect((await allMessages(t!)).find((m) => m.template === 'backorder-shipped')!.text).toContain('9400111');
  });

  it('an order still awaiting payment takes nothing; cancelled on the store, it leaves the queue', async () => {
    const shop = await connected();
    const pending = stub.addOrder({ status: 'pending', email: 'jane@example.com', dateCreated: tick(), lines: [{ productId: hoodie.id, variationId: small(), quantity: 1 }] });
    await webhook('order.created', pending);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders).toEqual([]);

    const placed = await order(1);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('open');
    await webhook('order.updated', stub.setOrderStatus(placed.id, 'cancelled'));
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('cancelled');
  });

  it('stock nobody counts follows stock_status: sold out opens the line; for sale again, the widget steps aside and a person decides', async () => {
    // "Manage stock" off: the merchant sets the status by hand, and there is no count.
    const mug = stub.addSimpleProduct({ name: 'Enamel Mug', price: '18.00', manage_stock: false, stock_status: 'outofstock' });
    const shirt = stub.addVariableProduct({ name: 'Sail Shirt', price: '30.00' }, [{ option: 'L', price: '30.00', manage_stock: false, stock_status: 'onbackorder' }]);
    const shop = await connected();
    const ids = [String(mug.id), String(shirt.variations[0]!.id)];
    const config = async () => (await t!.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=${ids.join(',')}`)).body.variants;
    expect(await config()).toMatchObject({ [ids[0]!]: { mode: 'waitlist', available: 0 }, [ids[1]!]: { mode: 'waitlist', available: 0 } });
    for (const email of ['ann@example.com', 'bob@example.com']) {
      expect((await t!.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: ids[0], email } })).status).toBe(201);
    }

    // Back "In stock" with no count: nobody can be promised a unit, so nobody is told; the merchant is asked.
    mug.stock_status = 'instock';
    await webhook('product.updated', stub.productJson(mug.id));
    expect((await config())[ids[0]!]).toMatchObject({ mode: 'off' });
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === ids[0])).toMatchObject({ uncounted: true });
    expect((await allMessages(t!)).filter((m) => m.template === 'offer')).toEqual([]);
    const [asked] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(asked).toMatchObject({ kind: 'uncounted_stock', summary: expect.stringContaining('Enamel Mug is for sale on your store again') });
    expect(asked.summary).toContain('the 2 people waiting were not told');
    // The same product again changes nothing: one question per time it comes back.
    await webhook('product.updated', stub.productJson(mug.id));
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations).toHaveLength(1);

    // Sold without a count, an order owes nobody anything.
    const sold = stub.addOrder({ status: 'processing', email: 'cy@example.com', dateCreated: tick(), lines: [{ productId: mug.id, quantity: 3, price: '18.00' }] });
    await webhook('order.created', sold);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders).toEqual([]);

    // Sold out again: the form comes back for the same line.
    mug.stock_status = 'outofstock';
    await webhook('product.updated', stub.productJson(mug.id));
    expect((await config())[ids[0]!]).toMatchObject({ mode: 'waitlist', available: 0, queueLength: 2 });
  });
});

describe('holds, reconciliation and write-back on WooCommerce', () => {
  it('a held unit comes off stock_quantity, is not read as a sale, and goes back at claim and on disconnect', async () => {
    const shop = await connected();
    const signup = (await t!.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: String(small()), email: 'ann@example.com' } })).body.signup;
    await stockBecomes(1);
    expect(stub.stockOf(small())).toBe(0);
    expect(stub.puts.map((p) => [p.id, p.stock_quantity])).toEqual([[small(), 0]]);
    // The store reports our own adjustment, and reconciliation reads the same: neither is a sale.
    await webhook('product.updated', stub.productJson(small()));
    await reconcile(t!.deps);
    const variant = (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === String(small()));
    expect(variant).toMatchObject({ inventory: 1, activeHolds: 1, available: 0 });

    const claimUrl = (await t!.call('GET', `/v1/storefront/signups/${signup.token}`)).body.signup.offer.claimUrl as string;
    const claim = await t!.call('GET', new URL(claimUrl).pathname);
    expect(claim.status).toBe(302);
    expect(claim.headers.get('location')).toContain('waitline_hold=');
    expect(stub.stockOf(small())).toBe(1);

    t!.clock.advance(31 * 60_000);
    await runJobs(t!);
    expect(stub.stockOf(small())).toBe(0);
    expect((await shop.admin('DELETE', '/v1/admin/connections/woocommerce')).status).toBe(204);
    expect(stub.stockOf(small())).toBe(1);
    expect(stub.webhooks).toEqual([]);
  });

  it('a stock rise whose webhook was lost is found by reconciliation', async () => {
    const shop = await connected();
    await t!.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: String(tote.id), email: 'ann@example.com' } });
    stub.setStock(tote.id, 2);
    expect(await reconcile(t!.deps)).toMatchObject({ shops: 1, checked: 1, changed: 1 });
    await runJobs(t!);
    expect((await allMessages(t!)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['ann@example.com']);
  });

  it('a customer’s cancel is refunded through the gateway once, and they hear "issued" only then', async () => {
    const shop = await connected();
    await order(2);
    const link = /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec((await allMessages(t!)).find((m) => m.template === 'backorder-ack')!.text)![1]!;
    expect((await t!.call('POST', link)).status).toBe(200);
    await runJobs(t!);
    expect(stub.refunds).toHaveLength(1);
    expect(stub.refunds[0]).toMatchObject({ amount: '80.00' });
    expect(String(stub.refunds[0]!.reason)).toMatch(/\[waitline backorder \d+\]/);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0]).toMatchObject({ status: 'refunded', refundedAmount: 8000 });
    expect((await allMessages(t!)).filter((m) => m.to === 'jane@example.com').map((m) => m.template)).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
    expect((await shop.admin('GET', '/v1/admin/write-backs')).body.writeBacks[0]).toMatchObject({ platform: 'woocommerce', status: 'done' });
  });

  it('a refund the gateway refuses goes to a person, and nobody is told money moved', async () => {
    const shop = await connected();
    await order(1);
    const link = /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec((await allMessages(t!)).find((m) => m.template === 'backorder-ack')!.text)![1]!;
    stub.refuseRefunds = true;
    await t!.call('POST', link);
    await runJobs(t!);
    expect(stub.refunds).toHaveLength(0);
    expect((await allMessages(t!)).map((m) => m.template)).not.toContain('backorder-refunded');
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations.filter((e: { kind: string }) => e.kind === 'refund')).toHaveLength(1);
  });
});
