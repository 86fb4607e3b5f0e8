import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { jobs, messages } from '../db/schema/index.ts';
import { transaction } from '../db/transaction.ts';
import { enqueueJob, runDueJobs, type JobHandlers } from '../server/jobs/queue.ts';
import { createScheduler } from '../server/jobs/scheduler.ts';
import { setup, shopWithVariant, type TestEnv } from './helpers.ts';
import type { Db } from '../db/index.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_LEASE_MS: '30000' });
});
afterEach(() => t.cleanup());

const inSeconds = (s: number) => new Date(t.clock.now().getTime() + s * 1000);
const enqueue = (job: Parameters<typeof enqueueJob>[1], db: Db = t.deps.db, now = t.clock.now()) => transaction(db, (tx) => enqueueJob(tx, job, now));
const theJob = async (db: Db = t.deps.db) => (await db.select().from(jobs))[0];
const setJob = (set: Partial<typeof jobs.$inferInsert>) => transaction(t.deps.db, (tx) => tx.update(jobs).set(set).where(eq(jobs.key, 'k')));

describe('durable jobs', () => {
  it('runs a job only once it is due, and once per key', async () => {
    const ran: unknown[] = [];
    const handlers: JobHandlers = { remind: async (_deps, payload) => void ran.push(payload) };
    await enqueue({ kind: 'remind', key: 'remind:1', runAt: inSeconds(60), payload: { n: 1 } });
    await enqueue({ kind: 'remind', key: 'remind:1', runAt: inSeconds(1), payload: { n: 2 } });
    expect(await runDueJobs(t.deps, handlers)).toBe(0);
    t.clock.advance(60_000);
    expect(await runDueJobs(t.deps, handlers)).toBe(1);
    expect(await runDueJobs(t.deps, handlers)).toBe(0);
    expect(ran).toEqual([{ n: 1 }]);
    expect(await theJob()).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('backs off exponentially after failures and gives up after maxAttempts', async () => {
    let calls = 0;
    const handlers: JobHandlers = {
      flaky: async () => {
        calls++;
        throw new Error('provider down');
      },
    };
    await enqueue({ kind: 'flaky', key: 'flaky', runAt: t.clock.now(), maxAttempts: 3 });
    await runDueJobs(t.deps, handlers);
    let job = (await theJob())!;
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: 'provider down' });
    expect(job.runAt.getTime() - t.clock.now().getTime()).toBe(1000);

    t.clock.advance(999);
    expect(await runDueJobs(t.deps, handlers)).toBe(0);
    t.clock.advance(1);
    await runDueJobs(t.deps, handlers);
    job = (await theJob())!;
    expect(job.runAt.getTime() - t.clock.now().getTime()).toBe(2000);

    t.clock.advance(2000);
    await runDueJobs(t.deps, handlers);
    expect(await theJob()).toMatchObject({ status: 'dead', attempts: 3 });
    t.clock.advance(3_600_000);
    expect(await runDueJobs(t.deps, handlers)).toBe(0);
    expect(calls).toBe(3);
  });

  it('picks up a job whose runner died once its lease runs out', async () => {
    const ran: number[] = [];
    await enqueue({ kind: 'k', key: 'k', runAt: t.clock.now() });
    // A process claimed it and was killed mid-run.
    await setJob({ status: 'running', leaseUntil: inSeconds(30), attempts: 1 });
    const handlers: JobHandlers = { k: async () => void ran.push(1) };
    expect(await runDueJobs(t.deps, handlers)).toBe(0);
    t.clock.advance(30_000);
    expect(await runDueJobs(t.deps, handlers)).toBe(1);
    expect(await theJob()).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('renews the lease of a long job, so a second process on the same database never runs it too', async () => {
    // A lease of a second, renewed every third of it: a loaded CI machine stalled a 300 ms one past expiry.
    const lease = await setup({ WAITLINE_LEASE_MS: '1000' });
    const { createDeps } = await import('../server/deps.ts');
    const second = await createDeps(lease.config, { clock: lease.clock, log: () => {} });
    let runs = 0;
    let finish!: () => void;
    const handlers: JobHandlers = { long: async () => new Promise<void>((done) => ((runs += 1), (finish = done))) };
    await enqueue({ kind: 'long', key: 'long', runAt: lease.clock.now() }, lease.deps.db, lease.clock.now());
    const first = runDueJobs(lease.deps, handlers);
    // Three seconds of clock time, three leases' worth, pass while the first process works.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 120));
      lease.clock.advance(150);
      expect(await runDueJobs(second, handlers)).toBe(0);
    }
    finish();
    expect(await first).toBe(1);
    expect(runs).toBe(1);
    expect(await theJob(lease.deps.db)).toMatchObject({ status: 'done', attempts: 1 });
    await second.close();
    await lease.cleanup();
  });

  it('a runner that lost its lease does not overwrite what the new owner recorded', async () => {
    let release!: () => void;
    const handlers: JobHandlers = { k: async () => new Promise<void>((done) => (release = done)) };
    await enqueue({ kind: 'k', key: 'k', runAt: t.clock.now() });
    const stale = runDueJobs(t.deps, handlers, 1);
    await new Promise((r) => setTimeout(r, 10));
    // Meanwhile another process took the job over (its lease lapsed) and failed it for a retry.
    await setJob({ status: 'pending', attempts: 2, lastError: 'the new owner failed', leaseUntil: null });
    release();
    await stale;
    expect(await theJob()).toMatchObject({ status: 'pending', attempts: 2, lastError: 'the new owner failed' });
  });

  it('marks a job of an unknown kind failed rather than losing it silently', async () => {
    await enqueue({ kind: 'nobody-handles-this', key: 'x', runAt: t.clock.now(), maxAttempts: 1 });
    await runDueJobs(t.deps, {});
    expect(await theJob()).toMatchObject({ status: 'dead', lastError: 'no handler for job kind "nobody-handles-this"' });
    expect(t.logs.some((l) => l.startsWith('job dead'))).toBe(true);
  });

  it('the scheduler coalesces ticks into one more round and sends due messages', async () => {
    let rounds = 0;
    const scheduler = createScheduler(t.deps, { count: async () => void rounds++ });
    await enqueue({ kind: 'count', key: 'a', runAt: t.clock.now() });
    await Promise.all([scheduler.tick(), scheduler.tick(), scheduler.tick()]);
    expect(rounds).toBe(1);
    await scheduler.stop();
  });

  it('runs due jobs while a long send is still in flight', async () => {
    const shop = await t.createShop();
    await shop.admin('PUT', '/v1/admin/variants/1', { title: 'Tee', inventory: 0 });
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '1', email: 'a@example.com' } });
    // The provider takes its time: the send stays open until we let it go.
    let release!: () => void;
    const email = t.deps.transports.email;
    t.deps.transports.email = { ...email, send: (batch, key) => new Promise((done) => (release = () => done(email.send(batch, key)))) };
    let ran = 0;
    const scheduler = createScheduler(t.deps, { later: async () => void ran++ });
    const first = scheduler.tick();
    await expect.poll(() => typeof release).toBe('function'); // the confirmation's send is in flight
    await enqueue({ kind: 'later', key: 'l', runAt: t.clock.now() });
    const second = scheduler.tick();
    await expect.poll(() => ran).toBe(1); // the confirmation is still being sent
    release();
    await Promise.all([first, second]);
    expect((await shop.admin('GET', '/v1/admin/messages')).body.messages[0].status).toBe('sent');
    await scheduler.stop();
  });
});
