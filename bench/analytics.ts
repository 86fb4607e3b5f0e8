import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { createShop } from '../server/services/shops/create.ts';
import { upsertVariant } from '../server/services/variants/upsert.ts';
import { seedHistory } from './analytics-seed.ts';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { num } from './lib.ts';

const BUDGET_MS = 200;
const DAY = 86_400_000;

type App = ReturnType<typeof createApp>;

/** Median and p95 of `runs` timed requests through the whole app, after `warm` untimed ones. */
export async function timeRoute(app: App, sk: string, path: string, runs: number, warm = 2) {
  const once = async () => {
    const start = performance.now();
    const res = await app.request(path, { headers: { authorization: `Bearer ${sk}` } });
    await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return performance.now() - start;
  };
  for (let i = 0; i < warm; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}

/**
 * SPEC §7: funnel analytics over 1,000,000 signups < 200 ms; the timeseries and
 * products routes are held to the same budget. One shop, 50 variants, signups
 * over 90 days with a tenth of them offered, in a real SQLite file; each route
 * is timed through `app.request`, so validation and JSON are in the figure.
 */
export const analyticsBench = () => onEachEngine(analyticsOn);

async function analyticsOn(engine: BenchEngine): Promise<string> {
  const signups = num('BENCH_ANALYTICS_SIGNUPS', 1_000_000);
  const runs = num('BENCH_ANALYTICS_RUNS', 15);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-analytics-'));
  const dbPath = join(dir, 'bench.db');
  const seeding = await createDeps(loadConfig({ WAITLINE_DB: dbPath, WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' }), { log: () => {} });
  const { shop, secretKey } = await createShop(seeding, { name: 'Bench', settings: { timezone: 'America/New_York' } });
  for (let v = 0; v < 50; v++) {
    await upsertVariant(seeding, shop, `v${v}`, { productTitle: `Tee ${v}`, title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  }
  const now = seeding.clock.now().getTime();
  const seedStart = performance.now();
  seedHistory(seeding.db.$client, shop.id, now, { signups, variants: 50, days: 90, offerShare: 0.1 });
  seeding.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  await seeding.close();
  await engine.adopt(dbPath);
  const seeded = (performance.now() - seedStart) / 1000;
  const config = loadConfig({ ...engine.env(dbPath), WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' });
  const deps = await createDeps(config, { log: () => {} });
  try {

    const app = createApp(deps);
    const iso = (ms: number) => new Date(ms).toISOString();
    const last90 = `from=${iso(now - 90 * DAY)}&to=${iso(now)}`;
    const cases: Array<[string, string]> = [
      ['funnel 30d', '/v1/admin/analytics/funnel'],
      ['funnel 90d', `/v1/admin/analytics/funnel?${last90}`],
      ['funnel 90d one variant', `/v1/admin/analytics/funnel?${last90}&variantId=v7`],
      ['timeseries 90d', `/v1/admin/analytics/timeseries?${last90}`],
      ['products 90d', `/v1/admin/analytics/products?${last90}`],
      ['products by conversion', `/v1/admin/analytics/products?${last90}&sort=conversion`],
    ];
    const results: Array<[string, { p50: number; p95: number }]> = [];
    for (const [name, path] of cases) results.push([name, await timeRoute(app, secretKey, path, runs)]);

    const worst = Math.max(...results.map(([, r]) => r.p95));
    const figures = results.map(([name, r]) => `${name} p50 ${r.p50.toFixed(0)} ms / p95 ${r.p95.toFixed(0)} ms`).join(' · ');
    const verdict = worst < BUDGET_MS ? 'within' : 'OVER';
    return `analytics: over ${signups.toLocaleString('en-US')} signups (seeded in ${seeded.toFixed(0)} s): ${figures} (budget < ${BUDGET_MS} ms; ${verdict})`;
  } finally {
    await deps.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
