import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { dispatchMessages } from '../server/services/messages/dispatch.ts';
import { changeInventory } from '../server/services/restock/inventory.ts';
import { createShop } from '../server/services/shops/create.ts';
import { upsertVariant } from '../server/services/variants/upsert.ts';
import type { Transport } from '../server/transports/types.ts';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { num } from './lib.ts';

/**
 * SPEC §7: 10,000 units against a 1,000,000-deep queue → all offers and
 * notices written and the first batch handed to the transport in < 1 s, with
 * cost growing with units, not depth. Queues of 10k, 100k and 1M waiting
 * signups share one database file, as they would in a real shop.
 */
export const restockBench = () => onEachEngine(restockOn);

async function restockOn(engine: BenchEngine): Promise<string> {
  const units = num('BENCH_UNITS', 10_000);
  const depths = (process.env.BENCH_DEPTHS ?? '10000,100000,1000000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-restock-'));
  const dbPath = join(dir, 'bench.db');
  const seeding = await createDeps(loadConfig({ WAITLINE_DB: dbPath, WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' }), { log: () => {} });
  const { shop, publishableKey } = await createShop(seeding, { name: 'Bench', settings: { quietHours: null } });
  for (const depth of depths) {
    await upsertVariant(seeding, shop, `v${depth}`, { productTitle: 'Tee', title: `depth ${depth}`, mode: 'waitlist', inventory: 0 });
    seedQueue(seeding.db.$client, shop.id, `v${depth}`, depth);
  }
  seeding.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  await seeding.close();
  await engine.adopt(dbPath);
  const config = loadConfig({ ...engine.env(dbPath), WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' });
  const deps = await createDeps(config, { log: () => {} });
  try {
    // What every product page asks for: its queue length must not be a count of the line.
    const app = createApp(deps);
    const configMs: number[] = [];
    for (const depth of depths) configMs.push(await configTime(app, publishableKey, `v${depth}`));

    const results: Array<{ depth: number; written: number; firstBatch: number }> = [];
    for (const depth of depths) {
      let firstSend = 0;
      const outbox = deps.transports.email;
      const timed: Transport = {
        ...outbox,
        send: async (batch, key) => {
          firstSend ||= performance.now();
          return outbox.send(batch, key);
        },
      };
      deps.transports.email = timed;
      const start = performance.now();
      const { allocation } = await changeInventory(deps, shop, `v${depth}`, { available: units });
      const written = performance.now() - start;
      // The dispatcher hands the first batch over right after the commit.
      const draining = dispatchMessages(deps);
      while (!firstSend) await new Promise((r) => setImmediate(r));
      results.push({ depth, written, firstBatch: firstSend - start });
      await draining;
      deps.transports.email = outbox;
      if (allocation.offered !== Math.min(units, depth)) throw new Error(`offered ${allocation.offered}, expected ${Math.min(units, depth)}`);
    }
    const base = results[0]!;
    const worst = results.at(-1)!;
    const ratio = worst.firstBatch / base.firstBatch;
    return results
      .map((r) => `restock: ${units} units vs ${r.depth.toLocaleString('en-US')} waiting: written in ${r.written.toFixed(0)} ms, first batch to the transport at ${r.firstBatch.toFixed(0)} ms (goal < 1000 ms)`)
      .concat(`restock: depth ratio ${worst.depth.toLocaleString('en-US')}/${base.depth.toLocaleString('en-US')} = ${ratio.toFixed(2)} (goal ≤ 1.5)`)
      .concat(`restock: storefront config with ${depths.map((d) => d.toLocaleString('en-US')).join(' / ')} waiting: p50 ${configMs.map((ms) => ms.toFixed(2)).join(' / ')} ms`)
      .join('\n');
  } finally {
    await deps.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median of 21 `GET /v1/storefront/config` for one variant, in-process (routing, validation and JSON included). */
async function configTime(app: ReturnType<typeof createApp>, key: string, variantId: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    const res = await app.request(`/v1/storefront/config?key=${key}&variants=${variantId}`);
    await res.json();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[10]!;
}

/** Bulk-loads a waiting queue straight into SQLite: one contact and one signup per person. */
function seedQueue(client: import('better-sqlite3').Database, shopId: string, variantId: string, depth: number) {
  const now = Date.now();
  const contact = client.prepare(`insert into contacts (shop_id, email, locale, token, created_at) values (?, ?, 'en', ?, ?)`);
  const signup = client.prepare(
    `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at)
     values (?, ?, ?, ?, 'waitlist', 1, 'waiting', ?, 'en', ?, ?)`,
  );
  const maxSeq = (client.prepare('select coalesce(max(seq), 0) as n from signups').get() as { n: number }).n;
  client.transaction(() => {
    for (let i = 0; i < depth; i++) {
      const id = contact.run(shopId, `${variantId}-${i}@bench.example`, `c-${variantId}-${i}`, now).lastInsertRowid;
      signup.run(shopId, variantId, id, maxSeq + i + 1, `s-${variantId}-${i}`, now, now);
    }
  })();
}
