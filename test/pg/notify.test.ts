import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPgChangeTriggers, UNTRACKED_TABLES } from '../../db/changes.ts';
import { LISTENER_NAME } from '../../db/listen.ts';
import { rows } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
import { enqueueJob } from '../../server/jobs/queue.ts';
import { createScheduler } from '../../server/jobs/scheduler.ts';
import { createWake } from '../../server/jobs/wake.ts';
import { storefrontConfig } from '../../server/services/storefront/config.ts';
import { storefrontCache } from '../../server/services/storefront/config-cache.ts';
import { shopByPublishableKey } from '../../server/services/shops/authenticate.ts';
import type { ServerDeps } from '../../server/deps.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * Replicas on one PostgreSQL database hear each other through LISTEN/NOTIFY
 * (db/listen.ts): a commit on one clears the others' config caches
 * (db/changes.ts), and a wake on one ticks the others' schedulers
 * (server/jobs/wake.ts). Three replicas in this process, each with its own
 * pool and its own LISTEN connection, as separate processes would have.
 */

let t: TestEnv;
let fleet: Awaited<ReturnType<typeof startReplicas>>;
let a: ServerDeps;
let b: ServerDeps;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let other: Awaited<ReturnType<typeof shopWithVariant>>;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  other = await shopWithVariant(t);
  fleet = await startReplicas(t, 3);
  [a, b] = fleet.replicas as [ServerDeps, ServerDeps];
});

afterAll(async () => {
  await fleet?.close();
  await t?.cleanup();
});

const call = async (app: (typeof fleet.apps)[number], method: string, path: string, body?: unknown, sk?: string) => {
  const res = await app.request(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(sk ? { authorization: `Bearer ${sk}` } : {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
};
const config = (replica: number, pk: string) => call(fleet.apps[replica]!, 'GET', `/v1/storefront/config?key=${pk}&variants=4401`);

const QUERY = { locale: 'en', variants: ['4401'] };
const KEY = 'en\n4401';

/** Replica `deps` answers one config request through its cache, as the route does, awaiting the look at other replicas. */
async function cachedAnswer(deps: ServerDeps, pk: string) {
  const request = {};
  await storefrontCache(deps.db).sync(request);
  const found = await shopByPublishableKey(deps, pk, request);
  return storefrontConfig(deps.db, found, QUERY);
}

/** Until `done` holds (or fails after `ms`), checking every few milliseconds. */
async function until(done: () => boolean | Promise<boolean>, ms = 2_000) {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a commit on one replica reaches the others (PostgreSQL)', () => {
  it("is in another replica's very next config answer", async () => {
    for (const [i, change] of [
      [0, { country: 'FR' }],
      [1, { country: 'DE' }],
      [2, { country: 'CA' }],
    ] as const) {
      // Every replica has answered (and cached) the shop as it was.
      for (let r = 0; r < 3; r++) expect((await config(r, shop.pk)).status).toBe(200);
      expect((await call(fleet.apps[i]!, 'PATCH', '/v1/admin/settings', change, shop.sk)).status).toBe(200);
      for (let r = 0; r < 3; r++) expect((await config(r, shop.pk)).body.shop.country).toBe(change.country);
    }
    await call(fleet.apps[0]!, 'PUT', '/v1/admin/variants/4401', { inventory: 7 }, shop.sk);
    expect((await config(2, shop.pk)).body.variants['4401'].available).toBe(7);
  });

  it("drops only the changed shop's answers on the other replicas, and keeps serving the rest", async () => {
    await cachedAnswer(b, shop.pk);
    await cachedAnswer(b, other.pk);
    const cache = storefrontCache(b.db);
    expect(cache.answer(shop.id, KEY)).toBeDefined();
    expect(cache.answer(other.id, KEY)).toBeDefined();

    expect((await call(fleet.apps[0]!, 'PUT', '/v1/admin/variants/4401', { inventory: 3 }, other.sk)).status).toBe(200);
    await cache.sync({});
    expect(cache.answer(other.id, KEY)).toBeUndefined();
    expect(cache.answer(shop.id, KEY)).toBeDefined();
    expect(JSON.parse((await cachedAnswer(b, other.pk)).body).variants['4401'].available).toBe(3);
  });

  it('one statement over many rows of a shop notifies once for it, not once per row', async () => {
    const before = await rows<{ v: number }>(t.deps.db, sql`select last_value as v from waitline_change_seq`);
    await transaction(a.db, (tx) => rows(tx, sql`update variants set title = title || '' where shop_id in (${shop.id}, ${other.id})`));
    const after = await rows<{ v: number }>(t.deps.db, sql`select last_value as v from waitline_change_seq`);
    // One version for the statement (its notifications carry it, one per shop); a statement that changed nothing takes none.
    expect(after[0]!.v - before[0]!.v).toBe(1);
    await transaction(a.db, (tx) => rows(tx, sql`update variants set title = title where shop_id = 'no such shop'`));
    expect((await rows<{ v: number }>(t.deps.db, sql`select last_value as v from waitline_change_seq`))[0]!.v).toBe(after[0]!.v);
  });
});

describe('the change triggers', () => {
  const triggers = () =>
    rows<{ table: string; name: string }>(
      t.deps.db,
      sql`select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname like 'waitline_changed_%' order by 1, 2`,
    );

  it('cover every tracked table and no untracked one, follow a new table, and a second install changes nothing', async () => {
    const before = await triggers();
    const covered = new Set(before.map((r) => r.table));
    expect(covered.has('variants') && covered.has('shops') && covered.has('queue_counts')).toBe(true);
    expect([...covered].filter((name) => UNTRACKED_TABLES.has(name))).toEqual([]);
    expect(before.filter((r) => r.table === 'variants').map((r) => r.name)).toEqual([
      'waitline_changed_delete_by_shop_id',
      'waitline_changed_insert_by_shop_id',
      'waitline_changed_update_by_shop_id',
    ]);

    const client = await (t.deps.db.$client as unknown as pg.Pool).connect();
    try {
      await client.query('create table later_table (id text primary key, shop_id text)');
      await installPgChangeTriggers(client);
      await installPgChangeTriggers(client);
    } finally {
      client.release();
    }
    const after = await triggers();
    expect(after.filter((r) => r.table === 'later_table').length).toBe(3);
    expect(after.filter((r) => r.table !== 'later_table')).toEqual(before);
  });
});

describe('a wake on one replica ticks the others (PostgreSQL)', () => {
  it('runs a job enqueued on A on B, whose scheduler alone listens, well within a second', async () => {
    let ranAt = 0;
    const scheduler = createScheduler(b, {
      probe: async () => {
        ranAt = performance.now();
      },
    });
    const onB = createWake(b, () => scheduler.tick());
    // A's own round does nothing: nothing but B's wake can run the job.
    const onA = createWake(a, () => {});
    await Promise.all([onA.ready, onB.ready]);
    try {
      const now = a.clock.now();
      await transaction(a.db, (tx) => enqueueJob(tx, { kind: 'probe', key: 'probe:1', runAt: now }, now));
      const committed = performance.now();
      onA.wake();
      await until(() => ranAt > 0, 1_000);
      expect(ranAt - committed).toBeLessThan(1_000);
    } finally {
      onA.stop();
      onB.stop();
      await scheduler.stop();
    }
  });
});

describe('the LISTEN connection, killed', () => {
  it('comes back, clears the caches meanwhile, and wakes again', async () => {
    const cache = storefrontCache(b.db);
    await cachedAnswer(b, shop.pk);
    expect(cache.answer(shop.id, KEY)).toBeDefined();
    let ticks = 0;
    const onB = createWake(b, () => void ticks++);
    await onB.ready;

    const killed = await rows<{ pid: number }>(
      t.deps.db,
      sql`select pg_terminate_backend(pid) as pid from pg_stat_activity where application_name = ${LISTENER_NAME} and datname = current_database()`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(3);
    // Back within the first backoff: the cache was told "anything may have changed", the scheduler ticked.
    await until(() => cache.answer(shop.id, KEY) === undefined && ticks > 0);
    // And the cache works again once a look at the others is answered on the new connection.
    await until(async () => {
      await cachedAnswer(b, shop.pk);
      return cache.answer(shop.id, KEY) !== undefined;
    });
    expect(fleet.complaints.some((line) => line.startsWith('listen: connection to PostgreSQL lost'))).toBe(true);

    // And it listens again: a change on A still reaches B's cache, a wake on A still ticks B.
    expect((await call(fleet.apps[0]!, 'PATCH', '/v1/admin/settings', { country: 'JP' }, shop.sk)).status).toBe(200);
    await cache.sync({});
    expect(cache.answer(shop.id, KEY)).toBeUndefined();
    const onA = createWake(a, () => {});
    ticks = 0;
    onA.wake();
    await until(() => ticks > 0, 1_000);
    onA.stop();
    onB.stop();
  });
});
