import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPg } from '../db/pg.ts';
import { copySqliteToPg } from '../db/to-postgres.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { createShop } from '../server/services/shops/create.ts';
import { upsertVariant } from '../server/services/variants/upsert.ts';
import { startPgServer } from '../test/pg/server.ts';
import { seedHistory } from './analytics-seed.ts';

/**
 * `npx tsx bench/to-postgres.ts [signups]`: the time and memory of
 * `migrate:to-postgres` on a shop of `signups` (default 100,000) with its
 * offers, messages and conversions (bench/analytics-seed.ts), into a
 * throwaway PostgreSQL server started as the tests start theirs.
 */
const signups = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'waitline-to-pg-'));
const server = await startPgServer();
try {
  const config = loadConfig({ WAITLINE_DB: join(dir, 'bench.db'), WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' });
  const deps = await createDeps(config, { log: () => {} });
  const { shop } = await createShop(deps, { name: 'Bench', settings: {} });
  for (let v = 0; v < 50; v++) await upsertVariant(deps, shop, `v${v}`, { productTitle: `Tee ${v}`, title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  seedHistory(deps.db.$client, shop.id, deps.clock.now().getTime(), { signups, variants: 50, days: 90, offerShare: 0.1 });
  await deps.close();

  const admin = await connectPg(`${server.url}postgres`);
  await admin.$client.query('create database bench');
  await admin.$client.end();
  const target = await connectPg(`${server.url}bench`);
  const began = performance.now();
  const counts = await copySqliteToPg(config.dbPath, target);
  const seconds = (performance.now() - began) / 1000;
  await target.$client.end();
  const rows = counts.reduce((sum, c) => sum + c.target, 0);
  const busiest = counts.filter((c) => c.target > 0).map((c) => `${c.table} ${c.target}`).join(', ');
  console.log(`${signups} signups: ${rows} rows (${busiest}) copied in ${seconds.toFixed(1)} s, ${Math.round(rows / seconds)} rows/s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
