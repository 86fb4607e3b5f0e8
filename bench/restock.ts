import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { dispatchMessages } from '../server/services/messages/dispatch.ts';
import { changeInventory } from '../server/services/restock/inventory.ts';
import { runDueJobs } from '../server/jobs/queue.ts';
import { jobHandlers } from '../server/jobs/handlers.ts';
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
 * Past its first 1,000 offers a round is told by job `offers.announce` after
 * the commit; the bench runs it and reports when every offer's message is written.
 * On PostgreSQL (issue 18: < 1.5 s) the same variant takes storefront signups
 * all through each restock, from async workers on the in-process app; they
 * must all succeed, and the round must still offer to the first in line, each
 * place once.
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
  const config = loadConfig({ ...engine.env(dbPath), WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example', WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
  const signupRate = engine.name === 'PostgreSQL' ? num('BENCH_SIGNUP_RATE', 150) : 0;
  const deps = await createDeps(config, { log: () => {} });
  try {
    // What every product page asks for: its queue length must not be a count of the line.
    const app = createApp(deps);
    const configMs: number[] = [];
    for (const depth of depths) configMs.push(await configTime(app, publishableKey, `v${depth}`));

    const results: Array<{ depth: number; written: number; firstBatch: number; told: number; signups?: LoadReport }> = [];
    for (const depth of depths) {
      let firstSend = 0;
      const outbox = deps.transports.email;
      const timed: Transport = {
        ...outbox,
        send: async (batch, key) => {
          // Confirmations of the signups taken meanwhile go out too: the restock's batch is the first with an offer.
          if (batch.some((m) => m.template === 'offer')) firstSend ||= performance.now();
          return outbox.send(batch, key);
        },
      };
      deps.transports.email = timed;
      const load = signupRate > 0 ? signupLoad(app, publishableKey, `v${depth}`, signupRate) : undefined;
      if (load) {
        // The line is already growing when the stock arrives, and its confirmations have gone out as
        // they came, as the server's send loop sends them: they are not queued ahead of the offers.
        const dispatcher = keepDispatching(deps);
        await sleep(500);
        await dispatcher.stop();
      }
      const start = performance.now();
      const { allocation, restockId } = await changeInventory(deps, shop, `v${depth}`, { available: units });
      const written = performance.now() - start;
      // What the server's wake on the commit starts: the send loop, and the job loop, which tells the
      // round past its first page (job `offers.announce`).
      const draining = dispatchMessages(deps);
      const telling = runDueJobs(deps, jobHandlers).then(() => performance.now() - start);
      while (!firstSend) await new Promise((r) => setImmediate(r));
      const signups = await load?.stop(start, start + written);
      const told = await telling;
      await draining;
      // The rest of the round goes out before the next depth's restock.
      await dispatchMessages(deps);
      results.push({ depth, written, firstBatch: firstSend - start, told, signups });
      deps.transports.email = outbox;
      await checkRound(engine, dbPath, { shopId: shop.id, variantId: `v${depth}`, restockId: restockId!, offered: allocation.offered, units, depth, joined: load ? `load-v${depth}-` : null, results });
    }
    const base = results[0]!;
    const worst = results.at(-1)!;
    const ratio = worst.firstBatch / base.firstBatch;
    return results
      .map(
        (r) =>
          `restock: ${units} units vs ${r.depth.toLocaleString('en-US')} waiting: committed in ${r.written.toFixed(0)} ms, first batch to the transport at ${r.firstBatch.toFixed(0)} ms (goal < ${signupRate > 0 ? 1500 : 1000} ms), every offer's message written at ${r.told.toFixed(0)} ms`,
      )
      .concat(results.flatMap((r) => (r.signups ? [signupLine(r.depth, r.signups)] : [])))
      .concat(`restock: depth ratio ${worst.depth.toLocaleString('en-US')}/${base.depth.toLocaleString('en-US')} = ${ratio.toFixed(2)} (goal ≤ 1.5)`)
      .concat(`restock: storefront config with ${depths.map((d) => d.toLocaleString('en-US')).join(' / ')} waiting: p50 ${configMs.map((ms) => ms.toFixed(2)).join(' / ')} ms`)
      .concat(`restock: one replica, ${availableParallelism()} cores; offers, places and every signup taken meanwhile checked after each round`)
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's send loop, in short: a pass, and another 5 ms after it ends, until stopped. */
function keepDispatching(deps: Parameters<typeof dispatchMessages>[0]) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await dispatchMessages(deps);
      await sleep(5);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

interface LoadReport {
  ok: number;
  errors: string[];
  seconds: number;
  /** Latencies of every signup, and of those sent while the restock's transaction was open. */
  ms: number[];
  duringMs: number[];
}

/**
 * Storefront signups to one variant at about `rate` a second, from a few
 * async workers on the in-process app (the replica the restock runs on), each
 * a new email. `stop` waits for the requests in flight and reports them.
 */
function signupLoad(app: ReturnType<typeof createApp>, key: string, variantId: string, rate: number) {
  const WORKERS = 4;
  const gap = (1000 * WORKERS) / rate;
  const began = performance.now();
  const sent: Array<{ at: number; ms: number; ok: boolean }> = [];
  const errors: string[] = [];
  let running = true;
  let n = 0;
  const worker = async () => {
    for (let next = performance.now(); running; next += gap) {
      await sleep(Math.max(0, next - performance.now()));
      const at = performance.now();
      const body = JSON.stringify({ key, variantId, email: `load-${variantId}-${n++}@bench.example` });
      try {
        const res = await app.request('/v1/storefront/signups', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.status !== 201) errors.push(`${res.status} ${(await res.text()).slice(0, 120)}`);
        sent.push({ at, ms: performance.now() - at, ok: res.status === 201 });
      } catch (error) {
        errors.push(String(error));
        sent.push({ at, ms: performance.now() - at, ok: false });
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  return {
    async stop(from: number, to: number): Promise<LoadReport> {
      running = false;
      await Promise.all(workers);
      return {
        ok: sent.filter((s) => s.ok).length,
        errors,
        seconds: (performance.now() - began) / 1000,
        ms: sent.map((s) => s.ms),
        duringMs: sent.filter((s) => s.at + s.ms >= from && s.at <= to).map((s) => s.ms),
      };
    },
  };
}

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

function signupLine(depth: number, r: LoadReport): string {
  return (
    `restock: signups to the same variant (${depth.toLocaleString('en-US')} waiting) meanwhile: ${r.ok} ok at ${(r.ok / r.seconds).toFixed(0)}/s, ${r.errors.length} errors` +
    `${r.errors.length ? ` (${r.errors[0]})` : ''}, p50 ${p(r.ms, 0.5).toFixed(0)} ms, p99 ${p(r.ms, 0.99).toFixed(0)} ms;` +
    ` ${r.duringMs.length} overlapped the restock's transaction, p99 ${p(r.duringMs, 0.99).toFixed(0)} ms`
  );
}

/**
 * What the round must have done whatever signups came meanwhile: as many
 * offers as units (or everyone, in a shorter line), each to a different
 * signup at a different place 1…n, the shop's sequence numbers unique, and
 * every signup answered 201 in the line.
 */
async function checkRound(
  engine: BenchEngine,
  dbPath: string,
  a: { shopId: string; variantId: string; restockId: number; offered: number; units: number; depth: number; joined: string | null; results: Array<{ signups?: LoadReport }> },
): Promise<void> {
  const one = async (text: string) => Number(Object.values((await engine.query<Record<string, unknown>>(dbPath, text))[0]!)[0]);
  const fail = (what: string) => {
    throw new Error(`restock of ${a.variantId}: ${what}`);
  };
  // A shorter line than the units may take some of the signups that joined meanwhile.
  if (a.depth >= a.units ? a.offered !== a.units : a.offered < a.depth || a.offered > a.units) fail(`offered ${a.offered} with ${a.units} units and ${a.depth} waiting`);
  const offers = `from offers where restock_id = ${a.restockId}`;
  if ((await one(`select count(*) ${offers}`)) !== a.offered) fail('the offers written are not the offers counted');
  if ((await one(`select count(distinct signup_id) ${offers}`)) !== a.offered) fail('a signup holds two offers');
  if ((await one(`select count(distinct position) ${offers}`)) !== a.offered || (await one(`select max(position) ${offers}`)) !== a.offered) fail('places are not 1…n, each once');
  if ((await one(`select count(*) from messages where template = 'offer' and offer_id in (select id ${offers})`)) !== a.offered) fail('an offer was told other than once');
  if ((await one(`select count(*) - count(distinct seq) from signups where shop_id = '${a.shopId}'`)) !== 0) fail('two signups share a place in the sequence');
  const load = a.results.at(-1)!.signups;
  if (a.joined && load) {
    const joined = await one(`select count(*) from signups s join contacts c on c.id = s.contact_id where c.email like '${a.joined}%'`);
    if (joined !== load.ok) fail(`${load.ok} signups answered 201, ${joined} are in the line`);
  }
}
