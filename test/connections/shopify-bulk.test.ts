import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { runJobs, setup, type TestEnv } from '../helpers.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';

/*
 * Issue 19, point 4: a catalog past WAITLINE_SHOPIFY_BULK_OVER variants is
 * exported by a bulk operation and read back as a stream, a batch per
 * transaction: every variant of a product comes in (past the 100 a page
 * holds), the import resumes after the lines already in when it stops, and an
 * export Shopify fails falls back to pages.
 */
const STORE = 'stub-store.myshopify.com';
const TOKEN = 'shpat_bulk_test_token';
const POLL_MS = 5000;

let t: TestEnv;
let stub: ShopifyStub;
let shop: Awaited<ReturnType<TestEnv['createShop']>>;

beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  // 100 small products and one of 250 variants: 550 variants, past the threshold of 500.
  stub.products = [...generateCatalog(300, 3), ...generateCatalog(250, 250, 9_000_000_000_000)];
  t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_SHOPIFY_BULK_OVER: '500', WAITLINE_SHOPIFY_BULK_POLL_MS: String(POLL_MS), WAITLINE_RECONCILE_MS: '86400000' });
  shop = await t.createShop('Stub Store');
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

const connect = async () => expect((await shop.admin('PUT', '/v1/admin/connections/shopify', { shop: STORE, clientId: stub.client.id, clientSecret: stub.client.secret })).status).toBe(200);
const catalog = async () => (await shop.admin('GET', '/v1/admin/connections')).body.connections[0].catalog;
/** Variants imported, of the shop or of one product. */
const variantCount = async (productId?: string) =>
  Number((await first<{ n: number }>(t.deps.db, sql`select count(*) as n from variants where shop_id = ${shop.id} ${productId ? sql`and product_id = ${productId}` : sql``}`))!.n);
const pagesAsked = () => stub.requests.filter((r) => r.operation === 'products').length;

/** Runs the sync job and its polls until the import says it is over. */
async function untilOver() {
  for (let i = 0; i < 20 && !['done', 'failed'].includes((await catalog()).status); i++) {
    await runJobs(t);
    t.clock.advance(POLL_MS);
  }
}

describe('a large catalog by bulk operation', () => {
  it('exports once, polls until ready, and reads every variant of every product from the file', async () => {
    await connect();
    await untilOver();
    expect(await catalog()).toMatchObject({ status: 'done', products: 101, variants: 550, variantsTotal: 550 });
    expect(await variantCount()).toBe(550);
    expect(pagesAsked()).toBe(0);
    expect(stub.bulk.downloads).toBe(1);
    // The product of 250 variants came in whole, past the 100 one page of the paged query holds.
    expect(await variantCount('9000000000000')).toBe(250);
  });

  it('a download cut short resumes after the lines already in, and counts nothing twice', async () => {
    stub.bulk.cutAfterLines = 400;
    await connect();
    await untilOver();
    expect(await catalog()).toMatchObject({ status: 'done', products: 101, variants: 550 });
    expect(await variantCount()).toBe(550);
    expect(stub.bulk.downloads).toBe(2);
  });

  it('an export Shopify fails falls back to pages', async () => {
    stub.bulk.fail = 'INTERNAL_SERVER_ERROR';
    // Paging 550 variants would wait on the cost bucket for minutes of the stub's time; this test is about the fallback.
    stub.throttle = { maximumAvailable: 1e9, currentlyAvailable: 1e9, restoreRate: 1e9 };
    await connect();
    await untilOver();
    expect(await catalog()).toMatchObject({ status: 'done', products: 101, variants: 550 });
    expect(pagesAsked()).toBeGreaterThan(0);
    // A page holds a product's first 100 variants; the import reads the rest of the big one after them.
    expect(await variantCount()).toBe(550);
    expect(await variantCount('9000000000000')).toBe(250);
  });
});
