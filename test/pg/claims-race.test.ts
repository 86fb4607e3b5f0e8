import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { jobs, messages, type Channel } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { ServerDeps } from '../../server/deps.ts';
import { enqueueJobs, runDueJobs, type JobHandlers } from '../../server/jobs/queue.ts';
import { claimBatch } from '../../server/services/messages/claim.ts';
import { dispatchMessages } from '../../server/services/messages/dispatch.ts';
import type { Transport } from '../../server/transports/types.ts';
import { rows } from '../../db/raw.ts';
import { setup, type TestEnv } from '../helpers.ts';
import { startReplicas, type Fleet } from './replicas.ts';

/**
 * Four replicas (each its own pool and writer) on one PostgreSQL database,
 * claiming jobs and message batches at the same time: nothing is run or sent
 * twice, nothing is left behind, and no replica gives up while work remains.
 */

const REPLICAS = 4;
/** Messages raced for; jobs cost two commits each (claim, finish), so half as many keep the file near 30 s. */
const N = 2_000;
const JOBS = 1_000;
/** Job loops per replica: their claims share the replica's group commits, as concurrent requests' writes do. */
const LOOPS = 4;

let t: TestEnv;
let fleet: Fleet;
let replicas: ServerDeps[];
beforeEach(async () => {
  t = await setup({}, { engine: 'pg' });
  fleet = await startReplicas(t, REPLICAS);
  replicas = fleet.replicas;
});
afterEach(async () => {
  await fleet?.close();
  await t.cleanup();
});

const turn = () => new Promise((resolve) => setImmediate(resolve));
/**
 * Due pending jobs no claim holds: a claim in flight locks the rows it read until it commits, and
 * this read passes over them as a claim does. Zero when a loop stops means it left nothing it could take.
 */
const freeDueJobs = async () =>
  (
    await rows<{ n: number }>(
      t.deps.db,
      sql`select count(*)::int as n from (select id from jobs where status = 'pending' and run_at <= ${t.clock.now().getTime()} for update skip locked) free`,
    )
  )[0]!.n;
const countJobs = async (status: 'pending' | 'running' | 'done') =>
  (await t.deps.db.select({ n: sql<number>`count(*)` }).from(jobs).where(eq(jobs.status, status)))[0]!.n;
const unsettled = async () =>
  (await t.deps.db.select({ n: sql<number>`count(*)` }).from(messages).where(inArray(messages.status, ['queued', 'sending'])))[0]!.n;

/** Queues `n` messages alternating over `channels`, rendered already (as renderAhead leaves them): the race is the claim's alone. */
async function queueMessages(n: number, channels: Channel[]) {
  const shop = await t.createShop();
  const now = t.clock.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    shopId: shop.id,
    publicId: `race_${i}`,
    template: 'confirmation',
    channel: channels[i % channels.length]!,
    to: i % 2 ? `+1555000${String(i).padStart(4, '0')}` : `r${i}@example.com`,
    props: {},
    idempotencyKey: `race:${i}`,
    text: `message ${i}`,
    renderedAt: now,
    sendAfter: now,
    createdAt: now,
  }));
  await transaction(t.deps.db, async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(messages).values(rows.slice(i, i + 500));
  });
}

/** Gives every replica transports that record what each message was sent in (its batch keys, one per send). */
function countSends(): Map<number, string[]> {
  const sentIn = new Map<number, string[]>();
  const counting = (channel: Channel): Transport => ({
    name: 'outbox',
    channel,
    batchSize: 16,
    send: async (list, key) => {
      for (const m of list) sentIn.set(m.id, [...(sentIn.get(m.id) ?? []), key]);
      await turn();
      return list.map((m) => ({ ok: true, providerId: `p_${m.id}` }));
    },
  });
  for (const r of replicas) r.transports = { email: counting('email'), sms: counting('sms') };
  return sentIn;
}

/** Every replica dispatches until nothing is left to send. */
async function dispatchOnEveryReplica() {
  const stopAt = Date.now() + 20_000;
  await Promise.all(
    replicas.map(async (r) => {
      // A replica that finds everything locked by the others ends its pass; it looks again, as the scheduler's tick does.
      while ((await unsettled()) > 0 && Date.now() < stopAt) await dispatchMessages(r);
    }),
  );
}

describe('claims across replicas on PostgreSQL', () => {
  it('runs every job exactly once, and a replica stops only when every due job is taken', async () => {
    const runs = new Map<number, number>();
    const handlers: JobHandlers = {
      'race-test': async (_deps, _payload, job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await turn();
      },
    };
    const now = t.clock.now();
    const list = Array.from({ length: JOBS }, (_, i) => ({ kind: 'race-test', key: `race:${i}`, runAt: now }));
    await transaction(t.deps.db, (tx) => enqueueJobs(tx, list, now));

    // One pass per loop, all at once: a claim that loses a race must find another job, not end the pass.
    const freeWhenStopped = await Promise.all(
      replicas.flatMap((r) =>
        Array.from({ length: LOOPS }, async () => {
          await runDueJobs(r, handlers, JOBS);
          return freeDueJobs();
        }),
      ),
    );
    // When a loop stops, every due job left is held by a claim in flight, which will run it.
    expect(freeWhenStopped).toEqual(freeWhenStopped.map(() => 0));
    expect(runs.size).toBe(JOBS);
    expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await countJobs('pending')).toBe(0);
    expect(await countJobs('running')).toBe(0);
    expect(await countJobs('done')).toBe(JOBS);
  }, 30_000);

  it('a runner whose lease lapsed and was re-claimed by another replica records nothing', async () => {
    const [a, b] = replicas as [ServerDeps, ServerDeps];
    const release: Array<() => void> = [];
    const handlers: JobHandlers = { slow: () => new Promise<void>((done) => release.push(done)) };
    await transaction(t.deps.db, (tx) => enqueueJobs(tx, [{ kind: 'slow', key: 'slow', runAt: t.clock.now() }], t.clock.now()));
    const stale = runDueJobs(a, handlers, 1);
    while (release.length < 1) await turn();
    // The lease (a minute) runs out before its renewal (every 20 s of real time) comes round.
    t.clock.advance(t.config.leaseMs + 1);
    const fresh = runDueJobs(b, handlers, 1);
    while (release.length < 2) await turn();
    release[0]!();
    expect(await stale).toBe(1);
    expect((await t.deps.db.select().from(jobs))[0]).toMatchObject({ status: 'running', attempts: 2 });
    release[1]!();
    expect(await fresh).toBe(1);
    expect((await t.deps.db.select().from(jobs))[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('claims every queued message into exactly one batch and sends it once', async () => {
    await queueMessages(N, ['email', 'sms']);

    const sentIn = countSends();

    await dispatchOnEveryReplica();

    expect(await unsettled()).toBe(0);
    expect(sentIn.size).toBe(N);
    expect([...sentIn.entries()].filter(([, keys]) => keys.length !== 1)).toEqual([]);
    const batches = new Map<string, number>();
    for (const [key] of sentIn.values()) batches.set(key!, (batches.get(key!) ?? 0) + 1);
    expect([...batches.values()].every((n) => n <= 16)).toBe(true);
    const stored = await t.deps.db.select({ id: messages.id, status: messages.status, batchKey: messages.batchKey, attempts: messages.attempts }).from(messages);
    expect(stored.filter((m) => m.status !== 'sent' || m.attempts !== 1 || m.batchKey !== sentIn.get(m.id)?.[0])).toEqual([]);
  }, 30_000);
  it('re-sends a batch whose sender died whole, from one replica, under its key', async () => {
    await queueMessages(400, ['email']);
    const transport = t.deps.transports.email;
    // A process claimed every batch and died before sending any.
    const members = new Map<string, number[]>();
    for (let batch = await claimBatch(t.deps, transport); batch; batch = await claimBatch(t.deps, transport)) {
      members.set(batch.key, batch.messages.map((m) => m.id));
    }
    expect(members.size).toBe(400 / transport.batchSize);
    t.clock.advance(t.config.leaseMs + 1);
    const sentIn = countSends();
    const requests = new Map<string, number[][]>();
    for (const r of replicas) {
      const send = r.transports.email.send;
      r.transports.email = { ...r.transports.email, send: (list, key) => (requests.set(key, [...(requests.get(key) ?? []), list.map((m) => m.id)]), send(list, key)) };
    }

    await dispatchOnEveryReplica();

    expect(await unsettled()).toBe(0);
    expect([...sentIn.entries()].filter(([, keys]) => keys.length !== 1)).toEqual([]);
    expect(Object.fromEntries(requests)).toEqual(Object.fromEntries([...members].map(([key, ids]) => [key, [ids]])));
  }, 30_000);
});
