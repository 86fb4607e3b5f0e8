import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * A signup locks only its own line's count row (server/services/signups/position.ts),
 * not the whole shop: while one replica's signup to variant A is held open
 * mid-transaction, a signup to variant B of the same shop on another replica
 * commits, and a second signup to A waits for the first.
 *
 * The hold: this test's own transaction inserts a pending place for a known
 * contact in A and keeps it uncommitted. That contact's signup to A then takes
 * A's count row and numbers itself, and its insert waits on the unique index
 * (signups_one_active_idx) for this test's transaction to end.
 */

let t: TestEnv;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let fleet: Awaited<ReturnType<typeof startReplicas>>;
let hold: pg.PoolClient;
let holder: number;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  const other = await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  expect(other.status).toBe(201);
  fleet = await startReplicas(t, 2);
  hold = await (t.deps.db.$client as unknown as pg.Pool).connect();
  holder = (await hold.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
});

afterAll(async () => {
  // A failed run may leave the hold open: end it, or dropping the database would wait for it.
  await hold?.query('rollback').catch(() => {});
  hold?.release();
  await fleet?.close();
  await t?.cleanup();
});

/** The text of every statement of this database's other sessions that is waiting for a lock. */
async function waitingForLocks(): Promise<string[]> {
  // Not on `hold`: a transaction reads the activity view once and keeps that snapshot.
  const { rows: waiting } = await (t.deps.db.$client as unknown as pg.Pool).query<{ query: string }>(
    `select query from pg_stat_activity where datname = current_database() and pid <> $1 and wait_event_type = 'Lock'`,
    [holder],
  );
  return waiting.map((w) => w.query);
}

/** Polls until a session waits for a lock in a statement matching `pattern`. */
async function untilWaiting(pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if ((await waitingForLocks()).some((q) => pattern.test(q))) return;
    if (Date.now() > deadline) throw new Error(`no session waits in ${pattern}; waiting: ${JSON.stringify(await waitingForLocks())}\n${fleet.complaints.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The promise's value, or a failure naming `what` if it takes longer than `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} waited ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A promise with a flag saying whether it has settled yet. */
function watched<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  void promise.finally(() => (state.settled = true));
  return state;
}

describe('signups to two variants of one shop, on two replicas (PostgreSQL)', () => {
  it('do not wait for each other; two signups to one variant do, and take places in commit order', async () => {
    // A known contact, in line for B only, so its signup to A is one the batch writes.
    const known = await fleet.signup(0, shop.pk, { variantId: '4402', email: 'held@example.com' });
    expect(known.status).toBe(201);
    const [contact] = await rows<{ id: number }>(t.deps.db, sql`select id from contacts where shop_id = ${shop.id} and email = 'held@example.com'`);

    await hold.query('begin');
    await hold.query(
      `insert into signups (shop_id, variant_id, contact_id, seq, status, token, created_at, updated_at) values ($1, '4401', $2, 0, 'pending', 'held-token', 0, 0)`,
      [shop.id, contact!.id],
    );
    const held = watched(fleet.signup(0, shop.pk, { variantId: '4401', email: 'held@example.com' }));
    // Replica 0 holds A's count row and waits on this test's place to insert its own.
    await untilWaiting(/insert into signups/i);

    const otherLine = await within(5_000, 'a signup to B while one to A is held', fleet.signup(1, shop.pk, { variantId: '4402', email: 'other-line@example.com' }));
    expect(otherLine.status).toBe(201);
    expect(otherLine.body.signup.position).toBe(2);
    expect(held.settled).toBe(false);

    const sameLine = watched(fleet.signup(1, shop.pk, { variantId: '4401', email: 'same-line@example.com' }));
    await untilWaiting(/insert into queue_counts/i);
    expect(sameLine.settled).toBe(false);

    await hold.query('rollback');
    const [first, second] = [await held.promise, await sameLine.promise];
    expect([first.status, second.status], fleet.complaints.join('\n')).toEqual([201, 201]);
    expect([first.body.signup.position, second.body.signup.position]).toEqual([1, 2]);
    const line = await rows<{ email: string; seq: number }>(
      t.deps.db,
      sql`select c.email, s.seq from signups s join contacts c on c.id = s.contact_id where s.shop_id = ${shop.id} and s.variant_id = '4401' order by s.seq`,
    );
    expect(line.map((r) => r.email)).toEqual(['held@example.com', 'same-line@example.com']);
  });
});
