import { Gauge } from 'prom-client';
import type { Db } from '../../db/index.ts';
import { registry } from './registry.ts';
import { lastWebhooks, messagesByStatus, messagesDue, oldestDueJob, pendingJobs } from './reads.ts';

/**
 * The gauges read from the database at scrape time (./reads.ts). Every
 * replica reads the same rows, so on PostgreSQL they agree; sum() them not.
 */
const messageStatus = new Gauge({
  name: 'waitline_messages',
  help: 'Messages (email and SMS) by status, read from the database',
  labelNames: ['status'] as const,
  registers: [registry],
});

const due = new Gauge({
  name: 'waitline_messages_due',
  help: 'Queued messages whose send time has come, by channel: the dispatch backlog',
  labelNames: ['channel'] as const,
  registers: [registry],
});

const jobsPending = new Gauge({
  name: 'waitline_jobs_pending',
  help: 'Pending jobs by kind, due now or later',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const jobLag = new Gauge({
  name: 'waitline_job_lag_seconds',
  help: 'How long the oldest due pending job has been overdue (0 when none is)',
  registers: [registry],
});

const webhookAge = new Gauge({
  name: 'waitline_webhook_age_seconds',
  help: 'Seconds since the last webhook received from each platform or provider (absent: none kept)',
  labelNames: ['source'] as const,
  registers: [registry],
});

const setDue = remembering(due, 'channel', ['email', 'sms']);
const setPending = remembering(jobsPending, 'kind');

/** Sets every database gauge from one round of reads; a label that went to nothing reads 0 (or, for an age, is dropped). */
export async function readGauges(db: Db, now: Date): Promise<void> {
  // One after another: a scrape takes one pool connection at a time from the requests it runs beside.
  const statuses = await messagesByStatus(db);
  const backlog = await messagesDue(db, now);
  const pending = await pendingJobs(db);
  const oldest = await oldestDueJob(db, now);
  const webhooks = await lastWebhooks(db);
  for (const [status, n] of Object.entries(statuses)) messageStatus.set({ status }, n);
  setDue(backlog.map((r) => [r.channel, r.n]));
  setPending(pending.map((r) => [r.kind, r.n]));
  jobLag.set(oldest === null ? 0 : Math.max(0, (now.getTime() - oldest) / 1000));
  webhookAge.reset();
  for (const { source, at } of webhooks) webhookAge.set({ source }, Math.max(0, (now.getTime() - at) / 1000));
}

/**
 * Sets a one-label gauge from rows. A label value seen before (or always
 * listed) and absent now reads 0, so its series does not vanish mid-graph.
 */
function remembering<L extends string>(gauge: Gauge<L>, label: L, always: string[] = []) {
  const seen = new Set(always);
  return (rows: Array<[string, number]>) => {
    const now = new Map(rows);
    for (const value of now.keys()) seen.add(value);
    for (const value of seen) gauge.set({ [label]: value } as Record<L, string>, now.get(value) ?? 0);
  };
}
