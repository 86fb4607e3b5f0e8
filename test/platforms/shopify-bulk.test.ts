import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../server/context.ts';
import { createTestClock } from '../../server/lib/clock.ts';
import { shopifyAdmin, shopifyAdminDeps, type ExportedProduct, type ShopifyAdmin } from '../../server/platforms/shopify/admin.ts';
import { CATALOG_EXPORT_QUERY, LINES_PER_BATCH, readCatalogExport } from '../../server/platforms/shopify/bulk.ts';
import { guardedDownload, trustedDownload, trustedHttp } from '../../server/platforms/shopify/http.ts';
import { testNet } from '../net/helpers.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifyFailure } from './stub-admin.ts';

const SHOP = 'stub-store.myshopify.com';
const TOKEN = 'shpat_bulk_token_for_tests';
const BIG = '9000000000000';

let stub: ShopifyStub;
let admin: ShopifyAdmin;

beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  // 300 products of 3 variants and one of 250: 301 product lines and 1,150 variant lines.
  stub.products = [...generateCatalog(900, 3), ...generateCatalog(250, 250, Number(BIG))];
  admin = shopifyAdmin({ origin: stub.url, http: trustedHttp, download: trustedDownload, sleep: async () => {} }, SHOP, TOKEN);
});
afterEach(() => stub.close());

const failure = shopifyFailure;

/** Starts an export and polls it until it is over; answers the last poll. */
async function exported() {
  const { id } = await admin.startCatalogExport();
  for (let i = 0; i < 10; i++) {
    const op = await admin.bulkOperation(id);
    if (!['CREATED', 'RUNNING'].includes(op.status)) return op;
  }
  throw new Error('the export never ended');
}

interface Batch {
  products: ExportedProduct[];
  linesRead: number;
}

/** Reads a whole export with `read`, keeping every batch. */
async function readAll(url: string, skipLines = 0, read = (u: string, o: Parameters<ShopifyAdmin['readCatalogExport']>[1]) => admin.readCatalogExport(u, o)) {
  const batches: Batch[] = [];
  let active = 0;
  const lines = await read(url, {
    skipLines,
    onBatch: async (products, linesRead) => {
      expect(active++).toBe(0);
      // A slow store: the download must wait for it rather than pile batches up.
      await new Promise((r) => setTimeout(r, 2));
      batches.push({ products: structuredClone(products), linesRead });
      active--;
    },
  });
  return { lines, batches };
}

const variantIds = (batches: Batch[]) => batches.flatMap((b) => b.products.flatMap((p) => p.variants.map((v) => v.id)));
const allVariantIds = () => stub.products.flatMap((p) => p.variants.map((v) => v.id));
const linesIn = (b: Batch) => b.products.filter((p) => p.named).length + b.products.reduce((n, p) => n + p.variants.length, 0);

describe('the catalog export', () => {
  it('starts CREATED, is RUNNING on the first poll and COMPLETED on the second, with the file and a count', async () => {
    const started = await admin.startCatalogExport();
    expect(started).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: 'CREATED' });
    expect(await admin.bulkOperation(started.id)).toMatchObject({ status: 'RUNNING', url: null });
    const done = await admin.bulkOperation(started.id);
    expect(done).toMatchObject({ id: started.id, status: 'COMPLETED', errorCode: null, objectCount: 301 + 1150, partialDataUrl: null });
    expect(done.url).toMatch(/\.jsonl/);
    // Grouped output is asked for, because the reader needs each variant after its product.
    expect(stub.bulk.operations[0]).toMatchObject({ groupObjects: true, query: CATALOG_EXPORT_QUERY });
  });

  it('a second start while one runs is in_progress; once it is over, another may start', async () => {
    const { id } = await admin.startCatalogExport();
    const busy = await failure(admin.startCatalogExport());
    expect(busy.kind).toBe('in_progress');
    expect(busy.message).toContain('OPERATION_IN_PROGRESS');
    expect((await admin.bulkOperation(id)).status).toBe('RUNNING');
    expect((await failure(admin.startCatalogExport())).kind).toBe('in_progress');
    expect((await admin.bulkOperation(id)).status).toBe('COMPLETED');
    expect((await admin.startCatalogExport()).status).toBe('CREATED');
    expect(stub.bulk.operations).toHaveLength(2);
  });

  it('an export Shopify fails ends FAILED with its errorCode and no file', async () => {
    stub.bulk.fail = 'INTERNAL_SERVER_ERROR';
    expect(await exported()).toMatchObject({ status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR', url: null });
  });

  it('polling an id the store does not know is not_found', async () => {
    expect((await failure(admin.bulkOperation('gid://shopify/BulkOperation/1'))).kind).toBe('not_found');
  });
});

describe('reading the file', () => {
  it('hands on every product and variant once, in batches of at most 250 lines, awaiting each', async () => {
    const { url } = await exported();
    const { lines, batches } = await readAll(url!);
    expect(lines).toBe(301 + 1150);
    expect(stub.bulk.downloads).toBe(1);
    expect(batches.length).toBe(Math.ceil(lines / LINES_PER_BATCH));
    for (const b of batches) expect(linesIn(b)).toBeLessThanOrEqual(LINES_PER_BATCH);
    expect(batches.map((b) => b.linesRead)).toEqual(batches.map((_, i) => Math.min(lines, (i + 1) * LINES_PER_BATCH)));
    expect(variantIds(batches).sort()).toEqual(allVariantIds().sort());
    expect(batches.flatMap((b) => b.products.filter((p) => p.named).map((p) => p.id))).toEqual(stub.products.map((p) => p.id));
  });

  it('a product of 250 variants spans batches, each time with its own fields, and arrives whole in the sum', async () => {
    const { url } = await exported();
    const { batches } = await readAll(url!);
    const parts = batches.flatMap((b) => b.products.filter((p) => p.id === BIG));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.named)).toEqual([true, ...parts.slice(1).map(() => false)]);
    for (const p of parts) expect(p).toMatchObject({ title: 'Product 1', handle: 'product-1', imageUrl: expect.stringContaining('p1.jpg') });
    expect(parts.flatMap((p) => p.variants)).toHaveLength(250);
  });

  it('gives the same products as the paged query, where that one holds them whole', async () => {
    const { url } = await exported();
    const { batches } = await readAll(url!);
    const whole = new Map<string, ExportedProduct>();
    for (const p of batches.flatMap((b) => b.products)) {
      const seen = whole.get(p.id);
      if (seen) seen.variants.push(...p.variants);
      else whole.set(p.id, p);
    }
    const page = await admin.products(null, 3);
    for (const p of page.products) expect({ ...whole.get(p.id), named: undefined }).toEqual({ ...p, named: undefined });
  });

  it.each([
    ['at a batch boundary', 2 * LINES_PER_BATCH],
    ['inside a batch, within the big product', 1234],
    ['past the end', 5000],
  ])('skipLines resumes exactly after the lines skipped (%s)', async (_, skip) => {
    const { url } = await exported();
    const full = await readAll(url!);
    const resumed = await readAll(url!, skip);
    expect(resumed.lines).toBe(full.lines);
    // Which variants lie past `skip`: numbered by line, products counting one each.
    const order: string[] = [];
    for (const p of stub.products) order.push(`p${p.id}`, ...p.variants.map((v) => v.id));
    const expected = order.slice(skip).filter((x) => !x.startsWith('p'));
    expect(variantIds(resumed.batches)).toEqual(expected);
    expect(variantIds(full.batches)).toHaveLength(1150);
    if (resumed.batches[0]) expect(resumed.batches[0].linesRead).toBe(Math.min(full.lines, skip + LINES_PER_BATCH));
  });

  it('a download cut short fails unavailable after handing on whole batches; resuming from the last one completes it once', async () => {
    const { url } = await exported();
    stub.bulk.cutAfterLines = 700;
    const first: Batch[] = [];
    const cut = await failure(admin.readCatalogExport(url!, { onBatch: (products, linesRead) => void first.push({ products: structuredClone(products), linesRead }) }));
    expect(cut.kind).toBe('unavailable');
    const at = first.at(-1)!.linesRead;
    expect(at).toBeLessThanOrEqual(700);
    const rest = await readAll(url!, at);
    expect([...variantIds(first), ...variantIds(rest.batches)].sort()).toEqual(allVariantIds().sort());
    expect(stub.bulk.downloads).toBe(2);
  });

  it('an error thrown by onBatch ends the read with that very error', async () => {
    const { url } = await exported();
    const mine = new Error('the database is gone');
    const error = await admin.readCatalogExport(url!, { onBatch: async () => Promise.reject(mine) }).catch((e: unknown) => e);
    expect(error).toBe(mine);
  });

  it('a file that is gone (expired link) is not_found', async () => {
    const { url } = await exported();
    expect((await failure(admin.readCatalogExport(url!.replace(/\d+\.jsonl/, '1.jsonl'), { onBatch: () => {} }))).kind).toBe('not_found');
  });
});

describe('where the file is fetched from', () => {
  const config = (origin: string | null, allowPrivate: boolean) => ({ shopifyApiOrigin: origin, allowPrivateWebhooks: allowPrivate }) as Deps['config'];

  it('the guarded download refuses a private address, before any connection', async () => {
    const { url } = await exported();
    const { net, connects } = testNet({});
    const error = await failure(readCatalogExport(guardedDownload(net, false), url!, { onBatch: () => {} }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('not allowed');
    expect(connects).toEqual([]);
    expect(stub.bulk.downloads).toBe(0);
  });

  it('a URL Shopify names off the configured origin goes through the guard too', async () => {
    const { url } = await exported();
    const { net, connects } = testNet({});
    const deps = shopifyAdminDeps({ config: config('http://shopify-proxy.internal:8080', false), net, clock: createTestClock() });
    const error = await failure(readCatalogExport(deps.download!, url!, { onBatch: () => {} }));
    expect(error.message).toContain('not allowed');
    expect(connects).toEqual([]);
    // On the configured origin itself, the operator's trust applies.
    const trusted = shopifyAdminDeps({ config: config(stub.url, false), net, clock: createTestClock() });
    expect(await readCatalogExport(trusted.download!, url!, { onBatch: () => {} })).toBe(1451);
  });

  it('where private addresses are allowed, the guarded download streams the same file, awaiting each batch', async () => {
    const { url } = await exported();
    const { net, connects } = testNet({});
    const { lines, batches } = await readAll(url!, 0, (u, o) => readCatalogExport(guardedDownload(net, true), u, o));
    expect(lines).toBe(1451);
    expect(variantIds(batches).sort()).toEqual(allVariantIds().sort());
    expect(connects).toHaveLength(1);
    const mine = new Error('mine');
    expect(await readCatalogExport(guardedDownload(net, true), url!, { onBatch: () => Promise.reject(mine) }).catch((e: unknown) => e)).toBe(mine);
  });
});
