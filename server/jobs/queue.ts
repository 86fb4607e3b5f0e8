import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/index.ts';
import { statementRows } from '../../db/raw.ts';
import { twins } from '../../db/sql/index.ts';
import { transaction } from '../../db/transaction.ts';
import { jobs, type Job } from '../../db/schema/index.ts';
import type { Deps } from '../context.ts';
import { backoffMs } from '../lib/backoff.ts';

/**
 * A handler does the work of one job kind, in transactions it opens itself;
 * throwing makes the job retry with backoff.
 */
export type JobHandler = (deps: Deps, payload: Record<string, unknown>, job: Job) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

/**
 * Schedules a job inside the caller's transaction. The key names the event, so
 * scheduling the same thing twice is a no-op.
 */
export async function enqueueJob(
  tx: Tx,
  job: { kind: string; key: string; runAt: Date; payload?: Record<string, unknown>; maxAttempts?: number },
  now: Date,
): Promise<void> {
  await tx
    .insert(jobs)
    .values({
      kind: job.kind,
      key: job.key,
      runAt: job.runAt,
      payload: job.payload ?? {},
      maxAttempts: job.maxAttempts ?? 8,
      createdAt: now,
    })
    .onConflictDoNothing();
}

/** Schedules many jobs at once (a restock schedules two per offer). */
export async function enqueueJobs(
  tx: Tx,
  list: Array<{ kind: string; key: string; runAt: Date; payload?: Record<string, unknown> }>,
  now: Date,
): Promise<void> {
  for (let i = 0; i < list.length; i += 500) {
    const rows = list.slice(i, i + 500).map((j) => ({ kind: j.kind, key: j.key, runAt: j.runAt, payload: j.payload ?? {}, createdAt: now }));
    await tx.insert(jobs).values(rows).onConflictDoNothing();
  }
}

/**
 * Keeps one run of a periodic job scheduled: each run schedules the next, on
 * the interval's grid, so a restart (or a second caller) arms the same key.
 * Its own transaction: it is called at start and by the job it schedules.
 */
export async function schedulePeriodic(deps: Pick<Deps, 'db' | 'clock'>, kind: string, every: number, after = deps.clock.now()): Promise<void> {
  if (every <= 0) return;
  const next = Math.ceil((after.getTime() + 1) / every) * every;
  await transaction(deps.db, (tx) => enqueueJobs(tx, [{ kind, key: `${kind}:${next}`, runAt: new Date(next) }], deps.clock.now()));
}

/** Due to run at `now`: pending and due, or running with a lapsed lease. */
const dueAt = (now: Date) => or(and(eq(jobs.status, 'pending'), lte(jobs.runAt, now)), and(eq(jobs.status, 'running'), lte(jobs.leaseUntil, now)));

/** Jobs leased per claim: enough to spread the claim's commit thin, few enough that other replicas still find work. */
const CLAIM_BATCH = 16;

/**
 * Leases up to `limit` due jobs, oldest first, and in the same transaction
 * marks `finished` (the last batch's jobs that ran) done, so a steady stream
 * costs one commit and three statements per batch, not two commits per job.
 * On PostgreSQL the read locks its rows and passes over rows other replicas
 * are claiming, so each claim gets jobs of its own at the first try. Every
 * write is guarded by the attempt read: a claim never bumps a job someone
 * else claimed, and a finish lands only while the claim is still ours.
 */
function claim(deps: Deps, limit: number, finished: Job[]): Promise<Job[]> {
  return transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    if (finished.length > 0) {
      await tx.update(jobs).set({ status: 'done', leaseUntil: null, finishedAt: now, lastError: null }).where(or(...finished.map(ours)));
    }
    const due = await statementRows(tx, twins(tx).claims.dueJobs, undefined, { now: now.getTime(), limit });
    if (due.length === 0) return [];
    const claimed = await tx
      .update(jobs)
      .set({ status: 'running', leaseUntil: new Date(now.getTime() + deps.config.leaseMs), attempts: sql`${jobs.attempts} + 1` })
      .where(and(or(...due.map((d) => and(eq(jobs.id, d.id), eq(jobs.attempts, d.attempts)))), dueAt(now)))
      .returning();
    // In the order they were due: a returning clause promises none.
    const order = new Map(due.map((d, i) => [d.id, i]));
    return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  });
}

/** Our claim on a job: its id and the attempt we claimed it as. A later claim bumps the attempt. */
const ours = (job: Job) => and(eq(jobs.id, job.id), eq(jobs.status, 'running'), eq(jobs.attempts, job.attempts));

/**
 * Keeps the leases of a claimed batch ahead of the clock, every third of the
 * lease, until each job is finished and marked: a long job (or a long batch)
 * is never taken over by a second process while this one is alive. A job
 * whose lease was lost is dropped from the renewals. Returns the stopper.
 */
function keepLeases(deps: Deps, held: Set<Job>): () => void {
  const every = Math.max(1, Math.floor(deps.config.leaseMs / 3));
  let stopped = false;
  const renew = async () => {
    const list = [...held];
    if (list.length === 0) return;
    try {
      const renewed = await transaction(deps.db, (tx) =>
        tx.update(jobs).set({ leaseUntil: new Date(deps.clock.now().getTime() + deps.config.leaseMs) }).where(or(...list.map(ours))).returning({ id: jobs.id }),
      );
      if (stopped) return;
      // A renewal that lands after a job finished finds it no longer running: that is no loss.
      const kept = new Set(renewed.map((r) => r.id));
      for (const job of list) {
        if (kept.has(job.id) || !held.has(job)) continue;
        held.delete(job);
        deps.log('job lease lost to another process', { kind: job.kind, id: job.id });
      }
    } catch (error) {
      deps.log('job lease renewal failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  // Fire and forget: the renewal is its own transaction, beside the jobs', and logs its own failure.
  const timer = setInterval(() => void renew(), every);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * Runs every due job once; returns how many ran. Jobs run one after another
 * in claim order; each finished job is marked done with the next claim (or
 * at the end), a failed one at once, for its retry.
 */
export async function runDueJobs(deps: Deps, handlers: JobHandlers, limit = 1000): Promise<number> {
  let ran = 0;
  let finished: Job[] = [];
  // Leased and not yet marked done: its lease is renewed until then.
  const held = new Set<Job>();
  const release = keepLeases(deps, held);
  try {
    while (ran < limit) {
      const batch = await claim(deps, Math.min(CLAIM_BATCH, limit - ran), finished);
      for (const job of finished) held.delete(job);
      finished = [];
      if (batch.length === 0) break;
      for (const job of batch) held.add(job);
      for (const job of batch) {
        ran++;
        if (await runOne(deps, handlers, job)) finished.push(job);
        else held.delete(job);
      }
    }
    if (finished.length > 0) {
      await transaction(deps.db, (tx) =>
        tx.update(jobs).set({ status: 'done', leaseUntil: null, finishedAt: deps.clock.now(), lastError: null }).where(or(...finished.map(ours))),
      );
    }
  } finally {
    release();
  }
  return ran;
}

/** Runs one claimed job; true when it succeeded. A failure is recorded at once: retried with backoff, or dead after its last attempt. */
async function runOne(deps: Deps, handlers: JobHandlers, job: Job): Promise<boolean> {
  const handler = handlers[job.kind];
  try {
    if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
    await handler(deps, job.payload, job);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const dead = job.attempts >= job.maxAttempts;
    const now = deps.clock.now();
    // Only while the claim is still ours: a process that took the job over owns its state now.
    await transaction(deps.db, async (tx) => {
      await tx
        .update(jobs)
        .set({
          status: dead ? 'dead' : 'pending',
          runAt: new Date(now.getTime() + backoffMs(job.attempts)),
          leaseUntil: null,
          lastError: message,
          finishedAt: dead ? now : null,
        })
        .where(ours(job));
    });
    deps.log(dead ? 'job dead' : 'job failed, will retry', { kind: job.kind, id: job.id, attempts: job.attempts, error: message });
    return false;
  }
}

export const pendingJobCount = async (db: DbOrTx) =>
  (await db.select({ n: sql<number>`count(*)` }).from(jobs).where(inArray(jobs.status, ['pending', 'running'])))[0]?.n ?? 0;
