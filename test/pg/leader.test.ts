import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { systemClock } from '../../server/lib/clock.ts';
import { messages } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { ServerDeps } from '../../server/deps.ts';
import { createScheduler, type Scheduler } from '../../server/jobs/scheduler.ts';
import { startResendStub, type ResendStub } from '../stubs/resend-stub.ts';
import { setup, type TestEnv } from '../helpers.ts';
import { startReplicas, type Fleet } from './replicas.ts';

/**
 * Two replicas on one PostgreSQL database, the same Resend account: only the
 * one holding the account's advisory lock sends. Each replica talks to a stub
 * of its own, so the stubs tell who sent what; together they count each
 * recipient's deliveries.
 */

const RETRY_MS = 200;
/** db/leader.ts: the dispatchers' advisory lock namespace ('WL' and 2). */
const DISPATCH_LOCKS = 0x574c0002;

let t: TestEnv;
let stubs: ResendStub[];
let fleet: Fleet;
let replicas: ServerDeps[];
let schedulers: Scheduler[];

beforeEach(async () => {
  t = await setup({ RESEND_API_KEY: 're_one_account', RESEND_RPS: '0', WAITLINE_LEADER_RETRY_MS: String(RETRY_MS) }, { engine: 'pg' });
  stubs = await Promise.all([startResendStub(), startResendStub()]);
  fleet = await startReplicas(t, stubs.length, { config: (i, config) => ({ ...config, resend: { ...config.resend!, baseUrl: stubs[i]!.url } }) });
  replicas = fleet.replicas;
  schedulers = replicas.map((deps) => createScheduler(deps, {}));
});
afterEach(async () => {
  for (const s of schedulers) await s.stop();
  await fleet.close();
  for (const s of stubs) await s.close();
  await t.cleanup();
});

let queued = 0;
/** Queues `n` rendered emails to new recipients; answers their addresses. */
async function queueEmails(n: number): Promise<string[]> {
  const shop = await t.createShop(`Shop ${queued}`);
  const now = t.clock.now();
  const to = Array.from({ length: n }, (_, i) => `r${queued + i}@example.com`);
  const rows = to.map((address, i) => ({
    shopId: shop.id,
    publicId: `lead_${queued + i}`,
    template: 'confirmation',
    channel: 'email' as const,
    to: address,
    from: 'Acme <shop@acme.example>',
    subject: 'Hello',
    props: {},
    idempotencyKey: `lead:${queued + i}`,
    text: `message ${queued + i}`,
    renderedAt: now,
    sendAfter: now,
    createdAt: now,
  }));
  queued += n;
  await transaction(t.deps.db, (tx) => tx.insert(messages).values(rows));
  return to;
}

/** The mid-round case's emails: 100 a request, one request a second. */
const ROUND = 800;

const sentBy = (i: number) => [...stubs[i]!.recipients.values()].reduce((a, b) => a + b, 0);

/** Ends the lock holder's session from outside, as a lost connection or a DBA would. */
async function terminateLockHolder(): Promise<number> {
  const client = new pg.Client({ connectionString: t.config.databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and classid = $1 and objsubid = 2 and granted`,
      [DISPATCH_LOCKS],
    );
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('one dispatcher per provider account on PostgreSQL', () => {
  it('only the lock holder sends; when its lock connection ends, the other takes over and each recipient gets one email', async () => {
    const first = await queueEmails(300);
    await Promise.all(schedulers.map((s) => s.tick()));
    const leader = sentBy(0) > 0 ? 0 : 1;
    const other = 1 - leader;
    expect([sentBy(leader), sentBy(other)]).toEqual([300, 0]);

    // Ticks of the other replica find the lock taken: it sends nothing, however often it asks.
    const second = await queueEmails(300);
    t.clock.advance(RETRY_MS);
    await schedulers[other]!.tick();
    expect(sentBy(other)).toBe(0);

    expect(await terminateLockHolder()).toBe(1);
    await expect.poll(() => fleet.logs[leader]!.some((line) => line.startsWith('stopped dispatching for a provider account '))).toBe(true);
    await schedulers[leader]!.tick();
    expect(sentBy(leader), 'the old holder sent after losing its lock').toBe(300);

    t.clock.advance(RETRY_MS);
    await schedulers[other]!.tick();
    await schedulers[leader]!.tick();
    expect([sentBy(leader), sentBy(other)]).toEqual([300, 300]);
    for (const address of [...first, ...second]) expect(stubs[0]!.sentTo(address) + stubs[1]!.sentTo(address), address).toBe(1);
  });

  it('a holder that loses its lock mid-round stops at once: batches waiting for their turn go back unsent', async () => {
    // One request a second of real time: the round's later batches wait at the pacer when the lock goes. (On the
    // test clock a pacer's wait passes at once, and a loaded machine could finish the round before the lock is cut.)
    for (const r of replicas) r.transports.email = (await import('../../server/transports/resend.ts')).createResendTransport(
      { ...r.config.resend!, rps: 1 },
      systemClock,
    );
    stubs[0]!.options.rttMs = 300;
    // Eight requests, seven seconds of round left after the first: the loss lands inside it even on a loaded machine.
    const to = await queueEmails(ROUND);
    // Only one replica asks: it takes the lock and starts its round.
    const round = schedulers[0]!.tick();
    // The pacer holds the second request a second behind the first: that second is the window to see 100.
    await expect.poll(() => sentBy(0), { timeout: 10_000, interval: 20 }).toBe(100);
    expect(await terminateLockHolder()).toBe(1);
    await round;
    const sentBeforeLoss = sentBy(0);
    expect(sentBeforeLoss).toBeLessThan(ROUND);

    t.clock.advance(RETRY_MS);
    await expect.poll(async () => (await schedulers[1]!.tick(), sentBy(1)), { timeout: 30_000, interval: 50 }).toBe(ROUND - sentBeforeLoss);
    expect(sentBy(0)).toBe(sentBeforeLoss);
    for (const address of to) expect(stubs[0]!.sentTo(address) + stubs[1]!.sentTo(address), address).toBe(1);
    // Nothing that never left counts as an attempt.
    const rows = await t.deps.db.select({ attempts: messages.attempts, status: messages.status }).from(messages);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(rows.filter((r) => r.attempts !== 1)).toEqual([]);
  }, 60_000);
});
