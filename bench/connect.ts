import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBigCommerceCatalog, startBigCommerceStub } from '../test/stubs/bigcommerce-stub.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../test/stubs/shopify-stub.ts';
import { generateWooCatalog, startWooCommerceStub } from '../test/stubs/woocommerce-stub.ts';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { BENCH_ROOT, freePort, num, startProcess, stop } from './lib.ts';

/**
 * Issue 19: connecting a Shopify store. A real server process (NODE_ENV=production) talks to the
 * Shopify stub (SHOPIFY_API_ORIGIN) holding `BENCH_VARIANTS` variants, 3 to a product; a shop PUTs
 * the stub's client credentials to /v1/admin/connections/shopify, then GET /v1/admin/connections is
 * read until the catalog import is done. Figures: the PUT's time, the import's time and rate, and
 * the server's peak RSS, which must not grow with the catalog (pages are written as they come).
 *
 * The stub's bucket is made large enough never to throttle, so this measures Waitline; what
 * Shopify's own bucket would make the import take is worked out from the cost of each page.
 * Each engine imports twice: by pages (the threshold for a bulk operation set out of reach) and by
 * a bulk operation's export file (the default for a catalog this size), polled every 200 ms.
 */
export const connectBench = () =>
  onEachEngine(async (engine) => [await connectOn(engine, 'pages'), await connectOn(engine, 'bulk'), await storeConnectOn(engine, 'woocommerce'), await storeConnectOn(engine, 'bigcommerce')].join('\n'));

/**
 * Issue 20: the same for a WooCommerce store (20 products a page, each variable product's variations
 * read after it, every request OAuth-signed over http) and a BigCommerce store (50 products a page,
 * variants included), against their stubs. The WooCommerce stub is on loopback, which the address
 * guard allows only with WAITLINE_ALLOW_PRIVATE_WEBHOOKS; BigCommerce's origin is configured.
 */
async function storeConnectOn(engine: BenchEngine, platform: 'woocommerce' | 'bigcommerce'): Promise<string> {
  const variants = num('BENCH_VARIANTS', 20_000);
  const woo = platform === 'woocommerce' ? await startWooCommerceStub({ consumerKey: `ck_${'b'.repeat(40)}`, consumerSecret: `cs_${'b'.repeat(40)}` }) : null;
  const big = platform === 'bigcommerce' ? await startBigCommerceStub({ storeHash: 'bench1234', accessToken: 'bc_bench_token_0001' }) : null;
  // About 3 variants to a product, as in the Shopify run: a WooCommerce catalog alternates simple and variable products.
  if (woo) woo.products = generateWooCatalog(Math.round(variants / 2.5), 4);
  if (big) big.products = generateBigCommerceCatalog(variants, 3);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-connect-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'server/index.ts',
    {
      PORT: String(port),
      // BigCommerce takes only https webhook destinations; nothing is delivered to it here.
      PUBLIC_URL: 'https://waitline.bench',
      ...engine.env(join(dir, 'bench.db')),
      WAITLINE_ADMIN_TOKEN: BENCH_ROOT,
      WAITLINE_DEMO: '0',
      WAITLINE_RATE_PER_IP: '0',
      WAITLINE_ALLOW_PRIVATE_WEBHOOKS: woo ? '1' : '',
      BIGCOMMERCE_API_ORIGIN: big?.url ?? '',
      RESEND_API_KEY: '',
      TWILIO_ACCOUNT_SID: '',
    },
    `${url}/health`,
  );
  try {
    const admin = await shopAdmin(url);
    const start = performance.now();
    const put = woo
      ? await admin('PUT', '/v1/admin/connections/woocommerce', { storeUrl: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret })
      : await admin('PUT', '/v1/admin/connections/bigcommerce', { storeHash: 'bench1234', accessToken: 'bc_bench_token_0001' });
    const putMs = performance.now() - start;
    if (put.status !== 200) throw new Error(`connect answered ${put.status}: ${JSON.stringify(put.body)}`);
    const catalog = await importDone(admin);
    const importMs = performance.now() - start - putMs;
    const imported = catalog.variants as number;
    const requests = (woo ?? big)!.requests.length;
    return (
      `connect (${platform}): PUT in ${Math.round(putMs)} ms; imported ${imported} variants (${catalog.products} products, ${requests} requests to the stub) ` +
      `in ${(importMs / 1000).toFixed(1)} s: ${Math.round(imported / (importMs / 1000))} variants/s`
    );
  } finally {
    await stop(server);
    await (woo ?? big)!.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Restore rates, points a second: https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits */
const RESTORE_RATES = { Standard: 100, Plus: 1000 };
const TOKEN = 'shpat_bench_token';
const POLL_MS = 100;

async function connectOn(engine: BenchEngine, mode: 'pages' | 'bulk'): Promise<string> {
  const variants = num('BENCH_VARIANTS', 20_000);
  const stub = await startShopifyStub(TOKEN);
  stub.products = generateCatalog(variants, 3);
  // A store per run: on PostgreSQL both runs share one database, where a store connects to one shop only.
  stub.shop.myshopifyDomain = `${mode}-store.myshopify.com`;
  const pageCosts = recordPageCosts(stub, 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-connect-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'server/index.ts',
    {
      PORT: String(port),
      PUBLIC_URL: url,
      ...engine.env(join(dir, 'bench.db')),
      WAITLINE_ADMIN_TOKEN: BENCH_ROOT,
      WAITLINE_DEMO: '0',
      WAITLINE_RATE_PER_IP: '0',
      SHOPIFY_API_ORIGIN: stub.url,
      WAITLINE_SHOPIFY_BULK_OVER: mode === 'bulk' ? '0' : String(Number.MAX_SAFE_INTEGER),
      WAITLINE_SHOPIFY_BULK_POLL_MS: '200',
      RESEND_API_KEY: '',
      TWILIO_ACCOUNT_SID: '',
    },
    `${url}/health`,
  );
  const memory = sampleMemory(server.pid!);
  try {
    const admin = await shopAdmin(url);
    const rssBefore = memory.now();
    const benchCpu = process.cpuUsage();
    const putStart = performance.now();
    const put = await admin('PUT', '/v1/admin/connections/shopify', { shop: stub.shop.myshopifyDomain, clientId: stub.client.id, clientSecret: stub.client.secret });
    const putMs = performance.now() - putStart;
    if (put.status !== 200) throw new Error(`connect answered ${put.status}: ${JSON.stringify(put.body)}`);
    const catalog = await importDone(admin);
    const importMs = performance.now() - putStart - putMs;
    const serverMs = Date.parse(catalog.finishedAt as string) - Date.parse(catalog.startedAt as string);
    memory.stop();
    // The stub answers in this process: its CPU time is a share of the import's time that is not Waitline's.
    const stubCpuS = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(benchCpu));
    const imported = catalog.variants as number;
    const pages = pageCosts.length;
    const points = pageCosts.reduce((n, c) => n + c, 0);
    const atRate = (rate: number) => formatSeconds(points / rate);
    const how = mode === 'bulk' ? `one export file, ${stub.bulk.downloads} download` : `${pages} pages`;
    return [
      `connect (${mode}): PUT /v1/admin/connections/shopify (token, scopes, webhooks, origins) in ${Math.round(putMs)} ms`,
      `connect (${mode}): imported ${imported} of ${variants} variants (${catalog.products} products, ${how}) in ${(importMs / 1000).toFixed(1)} s from the PUT's answer ` +
        `(${(serverMs / 1000).toFixed(1)} s by the server's startedAt/finishedAt): ${Math.round(imported / (importMs / 1000))} variants/s; the stub and this bench used ${stubCpuS.toFixed(1)} s of CPU meanwhile`,
      `connect (${mode}): server RSS ${mb(rssBefore)} MB before the import, peak ${mb(memory.peak())} MB during it (VmHWM; sampled VmRSS max ${mb(memory.sampledMax())} MB)`,
      mode === 'pages'
        ? `connect (pages): at Shopify's limits, ${pages} pages × ${(points / pages).toFixed(1)} points actual cost = ${points} points: ` +
          `${atRate(RESTORE_RATES.Standard)} on Standard (${RESTORE_RATES.Standard} points/s), ${atRate(RESTORE_RATES.Plus)} on Plus (${RESTORE_RATES.Plus} points/s)`
        : `connect (bulk): no cost bucket: Shopify's own time to write the export file is not in this figure`,
    ].join('\n');
  } finally {
    memory.stop();
    await stop(server);
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Gives the stub a bucket that never throttles (`size` points, refilled at `size` a second) and
 * records the actual cost of each catalog page. The stub takes a query's actual cost off
 * `throttle.currentlyAvailable` right after logging the request; refills only ever add to it.
 */
function recordPageCosts(stub: ShopifyStub, size: number): number[] {
  const costs: number[] = [];
  let available = size;
  stub.throttle = {
    maximumAvailable: size,
    restoreRate: size,
    get currentlyAvailable() {
      return available;
    },
    set currentlyAvailable(next: number) {
      if (next < available && stub.requests.at(-1)?.operation === 'products') costs.push(available - next);
      available = next;
    },
  };
  return costs;
}

type Admin = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A new shop, and requests with its secret key. */
async function shopAdmin(url: string): Promise<Admin> {
  const created = await fetch(`${url}/v1/shops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ROOT}` },
    body: JSON.stringify({ name: 'Bench' }),
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`creating the shop answered ${created.status}`);
  const { secretKey } = (await created.json()) as { secretKey: string };
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}

/** Reads the connection as the Connect page does until its import is done; a failed import ends the bench. */
async function importDone(admin: Admin): Promise<Record<string, unknown>> {
  for (;;) {
    const { body } = await admin('GET', '/v1/admin/connections');
    const connection = body?.connections?.[0];
    if (connection?.catalog?.status === 'done') return connection.catalog;
    if (connection?.catalog?.status === 'failed') throw new Error(`the import failed: ${connection.error}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The process's resident memory: VmHWM (its peak since start) and VmRSS sampled every 50 ms. */
function sampleMemory(pid: number) {
  const read = (field: 'VmHWM' | 'VmRSS') => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  };
  let max = 0;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, read('VmRSS'));
    } catch {
      // The process has gone: the last sample stands.
    }
  }, 50);
  let peak = 0;
  return {
    now: () => read('VmRSS'),
    stop() {
      clearInterval(timer);
      try {
        peak ||= read('VmHWM');
      } catch {
        // Stopped after the process exited (the bench failed): there is no peak to report.
      }
    },
    peak: () => peak,
    sampledMax: () => max,
  };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

function formatSeconds(s: number): string {
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;
}
