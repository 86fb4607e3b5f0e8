import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_ROOT, freePort, num, startProcess, stop } from './lib.ts';

const ORIGIN = 'https://shop.bench.example';

/**
 * A shop as a product page finds it: three variants asked per request (a
 * sold-out one with a line, a pre-order with room, one whose restock is
 * partly held), its origin allowed, made through the API of the running server.
 */
async function pageShop(url: string): Promise<string> {
  const call = async (path: string, token: string, body: unknown, method = 'POST', type = 'application/json') => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const shop = await call('/v1/shops', BENCH_ROOT, { name: 'Bench', settings: { allowedOrigins: [ORIGIN], strings: { en: { 'widget.button': 'Tell me' } } } });
  const sk = shop.secretKey as string;
  await call('/v1/admin/variants/v1', sk, { productTitle: 'Tee', title: 'S', mode: 'waitlist', inventory: 0, eta: { earliest: '2030-01-10', latest: '2030-01-20' } }, 'PUT');
  await call('/v1/admin/variants/v2', sk, { productTitle: 'Tee', title: 'M', mode: 'preorder', inventory: 0, preorderLimit: 50 }, 'PUT');
  await call('/v1/admin/variants/v3', sk, { productTitle: 'Tee', title: 'L', mode: 'waitlist', inventory: 0 }, 'PUT');
  const csv = ['email,variant', ...Array.from({ length: 40 }, (_, i) => `line${i}@bench.example,v${(i % 3) + 1}`)].join('\n');
  await call('/v1/admin/signups/import', sk, csv, 'POST', 'text/csv');
  // 20 units for v3's line: some held, the rest public.
  await call('/v1/admin/variants/v3/inventory', sk, { available: 20 });
  return shop.publishableKey as string;
}

const load = (url: string, seconds: number) =>
  autocannon({ url, connections: 10, duration: seconds, headers: { origin: ORIGIN } });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Issue 16: the storefront config (one request per product page view) at
 * ≥ 50% of a bare Hono GET on the same machine. The real server, with its
 * production defaults (rate limits, logging, every middleware), on a SQLite
 * file; runs alternate with the bare server's, 5 each, and the medians are
 * compared, since single runs move by a factor of two on a shared machine.
 */
export async function configBench(): Promise<string> {
  const seconds = num('BENCH_SECONDS', 5);
  const runs = 5;
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-'));
  const [port, barePort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const server = await startProcess(
    'server/index.ts',
    { PORT: String(port), WAITLINE_DB: join(dir, 'bench.db'), WAITLINE_ADMIN_TOKEN: BENCH_ROOT, WAITLINE_DEMO: '0', RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '' },
    `${url}/health`,
  );
  const bare = await startProcess('bench/bare-server.ts', { PORT: String(barePort) }, `${bareUrl}/health`);
  try {
    const pk = await pageShop(url);
    const path = `/v1/storefront/config?key=${pk}&variants=v1,v2,v3`;
    const sample = await fetch(`${url}${path}`, { headers: { origin: ORIGIN } });
    const body = await sample.text();
    if (!sample.ok || !body.includes('"v3"')) throw new Error(`config: ${sample.status} ${body}`);
    const ours: number[] = [];
    const reference: number[] = [];
    let errors = 0;
    for (let i = 0; i < runs; i++) {
      const a = await load(`${url}${path}`, seconds);
      const b = await load(`${bareUrl}${path}`, seconds);
      ours.push(a.requests.average);
      reference.push(b.requests.average);
      errors += a.errors + a.non2xx + b.errors + b.non2xx;
    }
    const ratio = median(ours) / median(reference);
    const list = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
    return [
      `config: ${Math.round(median(ours))} req/s vs bare Hono GET ${Math.round(median(reference))} req/s = ${ratio.toFixed(2)} (goal ≥ 0.50; median of ${runs} interleaved ${seconds}-s runs each; ${errors} errors)`,
      `config: runs ours [${list(ours)}], bare [${list(reference)}]; answer ${body.length} bytes`,
    ].join('\n');
  } finally {
    await Promise.all([stop(server), stop(bare)]);
    rmSync(dir, { recursive: true, force: true });
  }
}
