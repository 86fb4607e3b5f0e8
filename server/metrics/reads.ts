import { and, count, desc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import { jobs, messages, webhookEvents, MESSAGE_STATUSES, type MessageStatus } from '../../db/schema/index.ts';

/**
 * What /metrics reads at scrape time, on either engine. Each read walks an
 * existing index: messages_dispatch_idx (status, channel, send_after),
 * jobs_due_idx (status, run_at) and webhook_events_received_idx (received_at).
 */

/** Messages by status, every status present (0 when none). */
export async function messagesByStatus(db: Db): Promise<Record<MessageStatus, number>> {
  const found = await db.select({ status: messages.status, n: count() }).from(messages).groupBy(messages.status);
  const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
  for (const row of found) counts[row.status] = row.n;
  return counts;
}

/** Queued messages whose send time has come, by channel: the dispatcher's backlog. */
export async function messagesDue(db: Db, now: Date): Promise<Array<{ channel: string; n: number }>> {
  return db
    .select({ channel: messages.channel, n: count() })
    .from(messages)
    .where(and(eq(messages.status, 'queued'), lte(messages.sendAfter, now)))
    .groupBy(messages.channel);
}

/** Pending jobs by kind, due or not. */
export async function pendingJobs(db: Db): Promise<Array<{ kind: string; n: number }>> {
  return db.select({ kind: jobs.kind, n: count() }).from(jobs).where(eq(jobs.status, 'pending')).groupBy(jobs.kind);
}

/** The run time (epoch ms) of the oldest pending job that is due, or null when none is. */
export async function oldestDueJob(db: Db, now: Date): Promise<number | null> {
  // Epoch ms as a number on both engines (PostgreSQL hands a bigint back as text).
  const [row] = await db
    .select({ at: sql<number | null>`min(${jobs.runAt})`.mapWith(Number) })
    .from(jobs)
    .where(and(eq(jobs.status, 'pending'), lte(jobs.runAt, now)));
  return row?.at ? row.at : null;
}

/**
 * When each webhook source last delivered (epoch ms), for the sources that
 * ever did. Whether a source has any row is a seek on its unique index; its
 * newest row is then found walking webhook_events_received_idx from the newest
 * end (`source || ''` keeps the planner off the source index, which would sort
 * every row of that source), so an active source costs a few rows.
 */
export async function lastWebhooks(db: Db): Promise<Array<{ source: string; at: number }>> {
  const found: Array<{ source: string; at: number }> = [];
  for (const source of webhookEvents.source.enumValues) {
    const [any] = await db.select({ one: sql<number>`1` }).from(webhookEvents).where(eq(webhookEvents.source, source)).limit(1);
    if (!any) continue;
    const [row] = await db
      .select({ at: webhookEvents.receivedAt })
      .from(webhookEvents)
      .where(sql`(${webhookEvents.source} || '') = ${source}`)
      .orderBy(desc(webhookEvents.receivedAt))
      .limit(1);
    if (row) found.push({ source, at: row.at.getTime() });
  }
  return found;
}
