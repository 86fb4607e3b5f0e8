import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/index.ts';
import { affected, statementRows } from '../../db/raw.ts';
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

/**
 * Leases one due job. On PostgreSQL the read locks the row and passes over rows
 * other replicas are claiming, so each claim gets a job of its own at the first
 * try and finds none only when every due job is taken. The write is still
 * guarded by the attempt read: a claim never bumps a job someone else claimed.
 */
function claim(deps: Deps): Promise<Job | undefined> {
  return transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [due] = await statementRows(tx, twins(tx).claims.dueJob, undefined, { now: now.getTime() });
    if (!due) return undefined;
    const [job] = await tx
      .update(jobs)
      .set({ status: 'running', leaseUntil: new Date(now.getTime() + deps.config.leaseMs), attempts: sql`${jobs.attempts} + 1` })
      .where(and(eq(jobs.id, due.id), eq(jobs.attempts, due.attempts), dueAt(now)))
      .returning();
    return job;
  });
}

/** Our claim on a job: its id and the attempt we claimed it as. A later claim bumps the attempt. */
const ours = (job: Job) => and(eq(jobs.id, job.id), eq(jobs.status, 'running'), eq(jobs.attempts, job.attempts));

/**
 * Keeps a running job's lease ahead of the clock, every third of the lease,
 * so a long job is never taken over by a second process while this one is
 * alive. Returns the stopper.
 */
function keepLease(deps: Deps, job: Job): () => void {
  const every = Math.max(1, Math.floor(deps.config.leaseMs / 3));
  let stopped = false;
  const renew = async () => {
    try {
      const renewed = await transaction(deps.db, async (tx) =>
        affected(await tx.update(jobs).set({ leaseUntil: new Date(deps.clock.now().getTime() + deps.config.leaseMs) }).where(ours(job))),
      );
      // A renewal that lands after the job finished finds it no longer running: that is no loss.
      if (renewed === 0 && !stopped) {
        stop();
        deps.log('job lease lost to another process', { kind: job.kind, id: job.id });
      }
    } catch (error) {
      deps.log('job lease renewal failed', { kind: job.kind, id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  };
  // Fire and forget: the renewal is its own transaction, beside the job's, and logs its own failure.
  const timer = setInterval(() => void renew(), every);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}

/** Runs every due job once; returns how many ran. */
export async function runDueJobs(deps: Deps, handlers: JobHandlers, limit = 1000): Promise<number> {
  let ran = 0;
  for (; ran < limit; ran++) {
    const job = await claim(deps);
    if (!job) break;
    const handler = handlers[job.kind];
    const release = keepLease(deps, job);
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(deps, job.payload, job);
      release();
      // Only while the claim is still ours: a process that took the job over owns its state now.
      await transaction(deps.db, async (tx) => {
        await tx.update(jobs).set({ status: 'done', leaseUntil: null, finishedAt: deps.clock.now(), lastError: null }).where(ours(job));
      });
    } catch (error) {
      release();
      const message = error instanceof Error ? error.message : String(error);
      const dead = job.attempts >= job.maxAttempts;
      const now = deps.clock.now();
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
    }
  }
  return ran;
}

export const pendingJobCount = async (db: DbOrTx) =>
  (await db.select({ n: sql<number>`count(*)` }).from(jobs).where(inArray(jobs.status, ['pending', 'running'])))[0]?.n ?? 0;
