import { afterEach, beforeEach, expect } from 'vitest';
import { shopifyAdmin, type ShopifyAdmin } from '../../server/platforms/shopify/admin.ts';
import { trustedHttp } from '../../server/platforms/shopify/http.ts';
import { runJobs, setup, type TestEnv } from '../helpers.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifySign } from '../webhooks/helpers.ts';

export const STORE = 'stub-store.myshopify.com';
export const LOCATION = '71234567890';

/** A shop connected (client credentials) to a stub store whose one variant is out of stock at LOCATION. */
export interface ConnectedStore {
  t: TestEnv;
  stub: ShopifyStub;
  shop: Awaited<ReturnType<TestEnv['createShop']>>;
  variantId: string;
  itemId: string;
  /** A platform timestamp a second after the last, and after the connect's catalog import read its levels. */
  stamp(): string;
  /** A webhook as Shopify signs it, with the app's client secret. */
  deliver(topic: string, body: Record<string, unknown>): ReturnType<TestEnv['call']>;
  /** The same, answered 200, then the jobs it queued run. */
  webhook(topic: string, body: Record<string, unknown>): Promise<void>;
  /** The store's Admin API through the real client: what an earlier, killed process had sent. */
  admin(): ShopifyAdmin;
}

/** Registers the suite's beforeEach/afterEach and answers the store they set up, fresh for each test. */
export function connectedStore(token: string): ConnectedStore {
  const store = {} as ConnectedStore;
  let at = 0;
  let delivered = 0;
  beforeEach(async () => {
    const stub = await startShopifyStub(token);
    stub.products = generateCatalog(1, 1);
    const variant = stub.products[0]!.variants[0]!;
    variant.inventoryQuantity = 0;
    stub.setQuantities(variant.inventoryItemId, LOCATION, { available: 0, reserved: 0 });
    const t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_RECONCILE_MS: '86400000' });
    const shop = await t.createShop('Stub Store');
    expect((await shop.admin('PUT', '/v1/admin/connections/shopify', { shop: STORE, clientId: stub.client.id, clientSecret: stub.client.secret })).status).toBe(200);
    await runJobs(t);
    await shop.admin('PATCH', '/v1/admin/settings', { quietHours: null });
    Object.assign(store, { t, stub, shop, variantId: variant.id, itemId: variant.inventoryItemId });
  });
  afterEach(async () => {
    await store.t.cleanup();
    await store.stub.close();
  });
  store.stamp = () => new Date((at = Math.max(at, store.t.clock.now().getTime()) + 1000)).toISOString();
  store.deliver = (topic, body) => {
    const raw = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-shop-domain': STORE, 'x-shopify-webhook-id': `connected-${++delivered}` };
    return store.t.call('POST', '/webhooks/shopify', { raw, headers: { ...headers, 'x-shopify-hmac-sha256': shopifySign(raw, store.stub.client.secret) } });
  };
  store.webhook = async (topic, body) => {
    expect((await store.deliver(topic, body)).status).toBe(200);
    await runJobs(store.t);
  };
  store.admin = () => shopifyAdmin({ origin: store.stub.url, http: trustedHttp, sleep: async () => {} }, STORE, token);
  return store;
}
