import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first, rows } from '../../db/raw.ts';
import { PRODUCTS_PER_PAGE } from '../../server/platforms/shopify/catalog.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { runJobs, setup, type TestEnv } from '../helpers.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifySign } from '../webhooks/helpers.ts';

/**
 * Connecting a Shopify store through PUT /v1/admin/connections/shopify,
 * against a stub answering like the Admin API (test/stubs/shopify-stub.ts):
 * credentials checked, webhooks registered, origins allowed, the catalog
 * imported by a job; every refusal leaves nothing behind.
 */

const STORE = 'stub-store.myshopify.com';
const SECRET_TOKEN = 'shpat_pasted_admin_token_0001';

let t: TestEnv;
let stub: ShopifyStub;
beforeEach(async () => {
  stub = await startShopifyStub(SECRET_TOKEN);
  stub.products = generateCatalog(25, 3);
  t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_RATE_PER_IP: '0' });
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

const viaClient = () => ({ shop: STORE, clientId: stub.client.id, clientSecret: stub.client.secret });
const viaToken = () => ({ shop: STORE, accessToken: SECRET_TOKEN, apiSecret: 'pasted_app_api_secret_42' });
const count = async (table: string) => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from ${sql.identifier(table)}`))!.n;
const nothingStored = async () => ({ connections: await count('connections'), hooks: await count('connection_webhooks'), jobs: await count('jobs'), atStore: stub.webhooks.length });

/** A webhook as Shopify sends it, signed with `secret`. */
function deliver(topic: string, body: Record<string, unknown>, secret: string, id = `wh-${Math.random()}`) {
  const raw = JSON.stringify(body);
  return t.call('POST', '/webhooks/shopify', {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': STORE,
      'x-shopify-webhook-id': id,
      'x-shopify-hmac-sha256': shopifySign(raw, secret),
    },
  });
}

describe('PUT /v1/admin/connections/shopify', () => {
  it('connects with the client-credentials grant: webhooks registered, origins allowed, secrets sealed, catalog imported', async () => {
    const shop = await t.createShop('Stub Store', { allowedOrigins: ['https://already.example'] });
    const res = await shop.admin('PUT', '/v1/admin/connections/shopify', viaClient());
    expect(res.status).toBe(200);
    expect(res.body.connection).toMatchObject({
      platform: 'shopify',
      account: STORE,
      method: 'client_credentials',
      status: 'connected',
      catalog: { status: 'queued', products: 0, variants: 0 },
      origins: [
        { origin: `https://${STORE}`, allowed: true },
        { origin: 'https://shop.example.com', allowed: true },
      ],
    });
    expect(res.body.connection.webhooks.map((w: { topic: string }) => w.topic)).toEqual([
      'app/uninstalled',
      'fulfillments/create',
      'inventory_levels/update',
      'orders/cancelled',
      'orders/create',
      'products/update',
      'refunds/create',
    ]);
    expect(stub.webhooks.map((w) => [w.topic, w.uri, w.format]).sort()).toEqual(
      ['APP_UNINSTALLED', 'FULFILLMENTS_CREATE', 'INVENTORY_LEVELS_UPDATE', 'ORDERS_CANCELLED', 'ORDERS_CREATE', 'PRODUCTS_UPDATE', 'REFUNDS_CREATE'].map((topic) => [
        topic,
        'https://waitline.test/webhooks/shopify',
        'JSON',
      ]),
    );
    const { settings } = (await shop.admin('GET', '/v1/admin/settings')).body;
    expect(settings.allowedOrigins).toEqual(['https://already.example', `https://${STORE}`, 'https://shop.example.com']);
    expect(settings.shopify).toMatchObject({ domain: STORE, webhookSecret: null, accessToken: null });
    // Neither the secret nor the token is readable in the database.
    const [stored] = await rows<{ credentials: string }>(t.deps.db, sql`select credentials from connections`);
    expect(stored!.credentials).not.toContain(stub.client.secret);
    expect(stored!.credentials).not.toMatch(/shpat_/);

    await runJobs(t);
    const { variants } = (await shop.admin('GET', '/v1/admin/variants?limit=200')).body;
    expect(variants).toHaveLength(25);
    const want = stub.products[1]!;
    expect(variants.find((v: { id: string }) => v.id === want.variants[1]!.id)).toMatchObject({
      productId: want.id,
      productTitle: want.title,
      title: 'Size 2',
      price: 1199,
      inventoryItemId: want.variants[1]!.inventoryItemId,
      inventory: want.variants[1]!.inventoryQuantity,
      imageUrl: want.variants[1]!.imageUrl,
      url: `https://${STORE}/products/${want.handle}?variant=${want.variants[1]!.id}`,
    });
    const listed = (await shop.admin('GET', '/v1/admin/connections')).body;
    expect(listed.connections[0].catalog).toMatchObject({ status: 'done', products: 9, variants: 25, variantsTotal: 25 });
    expect(listed.widget).toEqual({ seen: [] });
  });

  it('connects with a pasted admin token; its API secret verifies webhooks, which are recorded per topic, once', async () => {
    const shop = await t.createShop();
    expect((await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken())).status).toBe(200);
    const update = { inventory_item_id: 1, location_id: 1, available: 3, updated_at: '2026-03-02T12:00:00Z' };
    expect((await deliver('inventory_levels/update', update, 'wrong_secret_wrong_secret')).status).toBe(401);
    expect(await count('webhook_events')).toBe(0);
    expect((await deliver('inventory_levels/update', update, 'pasted_app_api_secret_42', 'wh-1')).status).toBe(200);
    const arrived = async () =>
      (await shop.admin('GET', '/v1/admin/connections')).body.connections[0].webhooks.find((w: { topic: string }) => w.topic === 'inventory_levels/update').lastArrivedAt;
    const at = await arrived();
    expect(at).toBe(t.clock.now().toISOString());
    t.clock.advance(60_000);
    expect((await deliver('inventory_levels/update', update, 'pasted_app_api_secret_42', 'wh-1')).body).toMatchObject({ status: 'duplicate' });
    expect(await arrived()).toBe(at);
  });

  it('refuses wrong credentials with the field to fix, and stores and registers nothing', async () => {
    const shop = await t.createShop();
    const before = await nothingStored();
    const wrongSecret = await shop.admin('PUT', '/v1/admin/connections/shopify', { ...viaClient(), clientSecret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error).toMatchObject({ code: 'invalid_request', field: 'clientSecret' });
    const wrongToken = await shop.admin('PUT', '/v1/admin/connections/shopify', { ...viaToken(), accessToken: 'shpat_not_a_token' });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.body.error).toMatchObject({ code: 'invalid_request', field: 'accessToken' });
    expect(await nothingStored()).toEqual(before);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.shopify).toBeNull();
  });

  it('names each missing scope, and leaves nothing half-connected', async () => {
    const shop = await t.createShop();
    stub.scopes = ['read_products', 'read_orders'];
    const res = await shop.admin('PUT', '/v1/admin/connections/shopify', viaClient());
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('scopes');
    expect(res.body.error.message).toContain('read_inventory, write_inventory, write_orders, read_fulfillments');
    expect(await nothingStored()).toEqual({ connections: 0, hooks: 0, jobs: 0, atStore: 0 });
  });

  it('refuses a domain that is not *.myshopify.com, credentials of another store, and a store another shop connected', async () => {
    const shop = await t.createShop();
    const custom = await shop.admin('PUT', '/v1/admin/connections/shopify', { ...viaClient(), shop: 'shop.example.com' });
    expect(custom.status).toBe(400);
    expect(custom.body.error.field).toBe('shop');
    const other = await shop.admin('PUT', '/v1/admin/connections/shopify', { ...viaClient(), shop: 'other-store.myshopify.com' });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ field: 'shop', message: `These credentials are for ${STORE}, not other-store.myshopify.com` });
    expect((await shop.admin('PUT', '/v1/admin/connections/shopify', viaClient())).status).toBe(200);
    const second = await t.createShop('Someone else');
    const taken = await second.admin('PUT', '/v1/admin/connections/shopify', viaClient());
    expect(taken.status).toBe(409);
    expect(await count('connections')).toBe(1);
    expect((await second.admin('GET', '/v1/admin/connections')).body.connections).toEqual([]);
  });

  it('answers 503 when the store does not answer, and stores nothing', async () => {
    const shop = await t.createShop();
    stub.fail(20, 503);
    const res = await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    expect(res.status).toBe(503);
    expect(await nothingStored()).toEqual({ connections: 0, hooks: 0, jobs: 0, atStore: 0 });
  });

  it('keeps settings.shopify for the connection: a hand-made change is refused while connected', async () => {
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    const res = await shop.admin('PATCH', '/v1/admin/settings', { shopify: { domain: STORE, webhookSecret: 'by_hand_secret_1' } });
    expect(res.status).toBe(409);
    expect(res.body.error.field).toBe('shopify');
  });
});

describe('the catalog import', () => {
  // The timeout is sized for a loaded machine: 44 pages and their retries on PostgreSQL, beside CI's other workers.
  it('resumes where it stopped when the store fails mid-import, and counts every variant once', async () => {
    stub.products = generateCatalog(260, 2);
    // 44 pages at once: a bucket that holds them, so only the failures below stop the import.
    stub.throttle = { maximumAvailable: 100_000, currentlyAvailable: 100_000, restoreRate: 100 };
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    // The count and two pages answer, then the store fails past the client's retries.
    const pages = () => stub.requests.filter((r) => r.operation === 'products').length;
    const watch = setInterval(() => pages() >= 2 && !stub.failNext && stub.fail(1_000, 500), 1);
    await runJobs(t);
    clearInterval(watch);
    const midway = (await shop.admin('GET', '/v1/admin/connections')).body.connections[0];
    expect(midway.catalog.status).toBe('running');
    expect(midway.error).toMatch(/.+/);
    const importedMidway = midway.catalog.products;
    expect(importedMidway).toBeGreaterThan(0);
    expect(importedMidway).toBeLessThan(130);

    // The store is back, and the job's retry comes round: the import goes on from its cursor.
    stub.failNext = false;
    t.clock.advance(60 * 60_000);
    const pagesAtRetry = pages();
    await runJobs(t);
    const done = (await shop.admin('GET', '/v1/admin/connections')).body.connections[0];
    expect(done.catalog).toMatchObject({ status: 'done', variants: 260, products: 130 });
    expect(done.error).toBeNull();
    // Not from the first page again: only the pages not yet in were asked for.
    expect(pages() - pagesAtRetry).toBe(Math.ceil((130 - importedMidway) / PRODUCTS_PER_PAGE));
    expect((await shop.admin('GET', '/v1/admin/variants?limit=500')).body.variants).toHaveLength(260);
  }, 60_000);

  it('streams its progress as server-sent events until it is done', async () => {
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    const res = await t.app.request('/v1/admin/connections/shopify/progress', { headers: { authorization: `Bearer ${shop.sk}` } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toContain('event: progress');
    expect(first.value).toContain('"status":"queued"');
    await runJobs(t);
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    // The stream ends by itself once the import is done, its last event saying so.
    expect(rest.trim().split('\n\n').at(-1)).toContain('"status":"done","products":9,"variants":25');
  });

  it('renews a client-credentials token before it lapses, and a second sync waits for the first', async () => {
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaClient());
    expect((await shop.admin('POST', '/v1/admin/connections/shopify/sync')).status).toBe(409);
    await runJobs(t);
    const grants = () => stub.requests.filter((r) => r.operation === 'client_credentials').length;
    expect(grants()).toBe(1);
    t.clock.advance(23.5 * 60 * 60_000);
    expect((await shop.admin('POST', '/v1/admin/connections/shopify/sync')).status).toBe(202);
    await runJobs(t);
    expect(grants()).toBe(2);
    const listed = (await shop.admin('GET', '/v1/admin/connections')).body.connections[0];
    expect(listed.catalog.status).toBe('done');
    expect(Date.parse(listed.tokenExpiresAt)).toBe(t.clock.now().getTime() + 86_399_000);
  });
});

describe('a connected store’s stock', () => {
  it('a rise a webhook never reported is read with the connection’s token and offered to the line', async () => {
    const shop = await t.createShop('Stub Store');
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    await runJobs(t);
    const variant = stub.products[0]!.variants[0]!;
    expect(variant.inventoryQuantity).toBe(0);
    const joined = await t.call('POST', '/v1/storefront/signups', {
      body: { key: shop.pk, variantId: variant.id, email: 'first@example.com' },
      headers: { origin: `https://${STORE}` },
    });
    expect(joined.status).toBe(201);
    stub.levels.set(variant.inventoryItemId, { '1': 2 });
    expect(await reconcile(t.deps)).toMatchObject({ shops: 1, checked: 1, changed: 1 });
    expect(stub.requests.filter((r) => r.operation === 'nodes').map((r) => r.token)).toEqual([SECRET_TOKEN]);
    const [row] = (await shop.admin('GET', `/v1/admin/signups?variantId=${variant.id}`)).body.signups;
    expect(row).toMatchObject({ email: 'first@example.com', status: 'offered' });
  });
});

describe('ending a connection', () => {
  it('DELETE removes the store’s webhooks, the sealed credentials and the origins it allowed; the catalog stays', async () => {
    const shop = await t.createShop('Stub Store', { allowedOrigins: ['https://already.example'] });
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    await runJobs(t);
    expect((await shop.admin('DELETE', '/v1/admin/connections/shopify')).status).toBe(204);
    expect(stub.webhooks).toEqual([]);
    expect(await count('connections')).toBe(0);
    const { settings } = (await shop.admin('GET', '/v1/admin/settings')).body;
    expect(settings.allowedOrigins).toEqual(['https://already.example']);
    expect(settings.shopify).toBeNull();
    expect((await shop.admin('GET', '/v1/admin/variants?limit=200')).body.variants).toHaveLength(25);
    expect((await deliver('orders/create', { id: 1 }, 'pasted_app_api_secret_42')).status).toBe(401);
    expect((await shop.admin('DELETE', '/v1/admin/connections/shopify')).status).toBe(404);
  });

  it('app/uninstalled ends the connection from the store’s side, without calling the store', async () => {
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/connections/shopify', viaToken());
    await runJobs(t);
    const calls = stub.requests.length;
    expect((await deliver('app/uninstalled', { id: 1, domain: STORE }, 'pasted_app_api_secret_42')).status).toBe(200);
    await runJobs(t);
    expect(await count('connections')).toBe(0);
    expect(stub.requests.length).toBe(calls);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.shopify).toBeNull();
  });
});
