import { getTableColumns } from 'drizzle-orm';
import { messages, type Message } from '../../schema/index.ts';
import type { Statement } from '../statement.ts';

/**
 * The reads that pick what a worker claims (server/jobs/queue.ts,
 * server/services/messages/claim.ts), SQLite twin of db/sql/pg/claims.ts. The
 * same text without `for update skip locked`: every transaction here begins
 * IMMEDIATE, so no other writer, in this process or another, runs between the
 * read and the claim's write. Times are epoch milliseconds on both engines.
 */

/** A job's id and the attempt it is on: the claim's write is guarded by both. */
export interface DueJob {
  id: number;
  attempts: number;
}

/** The first message found, and its batch when it belongs to one (a re-send or a retry). */
export interface FirstMessage {
  id: number;
  batchKey: string | null;
}

const columns = Object.entries(getTableColumns(messages));

/**
 * A raw `messages` row as Drizzle's select gives it: each column through its
 * own decoder (ms to Date, JSON text to object, 0/1 or a boolean to boolean).
 * Both engines hand the same raw values (db/pg.ts parses bigint as a number and
 * leaves JSON as text), so both twins read rows with this.
 */
export function messageRow(raw: Record<string, unknown>): Message {
  const row: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as Message;
}

const dueJobRow = (r: Record<string, unknown>): DueJob => ({ id: Number(r.id), attempts: Number(r.attempts) });
const firstRow = (r: Record<string, unknown>): FirstMessage => ({ id: Number(r.id), batchKey: (r.batch_key as string | null) ?? null });

/** @now: the next job to run, pending and due or running with a lapsed lease, oldest first. */
export const dueJob: Statement<void, DueJob> = {
  text: () => `select id, attempts from jobs
     where (status = 'pending' and run_at <= @now) or (status = 'running' and lease_until <= @now)
     order by run_at, id limit 1`,
  row: dueJobRow,
};

/** @channel, @now: the first message of a batch whose sender's lease lapsed (a crash mid-send). */
export const firstSending: Statement<void, FirstMessage> = {
  text: () => `select id, batch_key from messages
     where status = 'sending' and channel = @channel and lease_until <= @now
     order by id limit 1`,
  row: firstRow,
};

/** @channel, @now: the first due message, in the dispatch index's order. */
export const firstQueued: Statement<void, FirstMessage> = {
  text: () => `select id, batch_key from messages
     where status = 'queued' and channel = @channel and send_after <= @now
     order by send_after, id limit 1`,
  row: firstRow,
};

/** @batchKey: the unsettled members of a batch, re-sent whole. */
export const batchMembers: Statement<void, Message> = {
  text: () => `select * from messages where batch_key = @batchKey and status in ('queued', 'sending') order by id`,
  row: messageRow,
};

/** @batchKey: how many unsettled members a batch has, locked by anyone or not. */
export const unsettledMembers: Statement<void, { n: number }> = {
  text: () => `select count(*) as n from messages where batch_key = @batchKey and status in ('queued', 'sending')`,
  row: (r) => ({ n: Number(r.n) }),
};

/** @channel, @now, @limit: the next due messages of no batch yet, in due order. */
export const nextDue: Statement<void, Message> = {
  text: () => `select * from messages
     where status = 'queued' and channel = @channel and send_after <= @now and batch_key is null
     order by send_after, id limit @limit`,
  row: messageRow,
};
