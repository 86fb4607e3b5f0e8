import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobs } from '../../db/schema/index.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { allMessages, runJobs, setup, type TestEnv } from '../helpers.ts';

let t: TestEnv;
let stub: ShopifyStub;
const TOKEN = 'shpat_test_0123456789';
beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_RECONCILE_MS: '600000', WAITLINE_RATE_PER_IP: '0' });
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

async function shopifyShop(locations: string[] | null = null) {
  const shop = await t.createShop('Demo Store', {
    shopify: { domain: 'demo-store.myshopify.com', webhookSecret: 'test_shopify_app_client_secret_123', accessToken: TOKEN, locations },
  });
  await shop.admin('PUT', '/v1/admin/variants/44012345678901', { title: 'S', inventoryItemId: '46012345678901' });
  await shop.admin('PUT', '/v1/admin/variants/44012345678902', { title: 'M', inventoryItemId: '46012345678902' });
  await shop.admin('PUT', '/v1/admin/variants/44012345678903', { title: 'L', inventoryItemId: '46012345678903' });
  return shop;
}

describe('reconciliation', () => {
  it('catches a rise a lost webhook never told us about, and only asks about variants someone waits on', async () => {
    const shop = await shopifyShop();
    for (const e of ['a', 'b']) await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: `${e}@example.com` } });
    stub.levels.set('46012345678901', { '71234567890': 1, '81234567890': 2 });
    stub.levels.set('46012345678903', { '71234567890': 9 });

    expect(await reconcile(t.deps)).toEqual({ shops: 1, checked: 1, changed: 1 });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({ path: '/admin/api/2026-10/graphql.json', token: TOKEN, ids: ['gid://shopify/InventoryItem/46012345678901'] });
    expect(stub.requests[0]!.query).toContain('quantities(names: ["available"])');
    expect((await allMessages(t)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);

    // Nothing missed the second time round: nothing changes.
    expect(await reconcile(t.deps)).toEqual({ shops: 1, checked: 1, changed: 0 });
    expect((await allMessages(t)).filter((m) => m.template === 'offer')).toHaveLength(2);
  });

  it('counts only the locations the shop counts', async () => {
    const shop = await shopifyShop(['71234567890']);
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'a@example.com' } });
    stub.levels.set('46012345678901', { '71234567890': 1, '81234567890': 5 });
    await reconcile(t.deps);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ inventory: 1, activeHolds: 1 });
  });

  it('a platform error is logged and the next pass tries again; a shop without a token is not asked', async () => {
    const shop = await shopifyShop();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'a@example.com' } });
    stub.levels.set('46012345678901', { '71234567890': 1 });
    stub.fail(6, 503); // every try of the pass: the Admin API client retries a few times first
    expect(await reconcile(t.deps)).toMatchObject({ changed: 0 });
    expect(t.logs.some((l) => l.startsWith('reconciliation failed for a shop'))).toBe(true);
    expect(await reconcile(t.deps)).toMatchObject({ changed: 1 });

    const api = await t.createShop('API shop', { shopify: { domain: 'api-only.myshopify.com', webhookSecret: 'another-secret-123' } });
    await api.admin('PUT', '/v1/admin/variants/v1', { title: 'T', inventoryItemId: '1' });
    const before = stub.requests.length;
    await reconcile(t.deps);
    expect(stub.requests.length).toBe(before + 1); // only the shop with a token
  });

  it('runs on a schedule as a durable job that re-arms itself', async () => {
    const { scheduleReconcile } = await import('../../server/services/reconcile.ts');
    const shop = await shopifyShop();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'a@example.com' } });
    stub.levels.set('46012345678901', { '71234567890': 1 });
    await scheduleReconcile(t.deps);
    await scheduleReconcile(t.deps); // a restart re-arms the same slot, not a second one
    expect((await t.deps.db.select().from(jobs)).filter((j) => j.kind === 'reconcile')).toHaveLength(1);
    t.clock.advance(600_000);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer')).toHaveLength(1);
    const pending = (await t.deps.db.select().from(jobs)).filter((j) => j.kind === 'reconcile' && j.status === 'pending');
    expect(pending).toHaveLength(1);
  });
});
