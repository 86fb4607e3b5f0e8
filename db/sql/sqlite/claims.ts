import { getTableColumns, type Table } from 'drizzle-orm';
import type { Tx } from '../../index.ts';
import { messages, webhookDeliveries, type Message, type WebhookDelivery } from '../../schema/index.ts';
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

/**
 * A raw row of `table` as Drizzle's select gives it: each column through its
 * own decoder (ms to Date, JSON text to object, 0/1 or a boolean to boolean).
 * Both engines hand the same raw values (db/pg.ts parses bigint as a number and
 * leaves JSON as text), so both twins read rows with these.
 */
function rowOf<T>(table: Table): (raw: Record<string, unknown>) => T {
  const columns = Object.entries(getTableColumns(table));
  return (raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = raw[column.name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T;
  };
}

/** A raw `messages` row, decoded. */
export const messageRow = rowOf<Message>(messages);
/** A raw `webhook_deliveries` row, decoded. */
export const deliveryRow = rowOf<WebhookDelivery>(webhookDeliveries);

const dueJobRow = (r: Record<string, unknown>): DueJob => ({ id: Number(r.id), attempts: Number(r.attempts) });
const firstRow = (r: Record<string, unknown>): FirstMessage => ({ id: Number(r.id), batchKey: (r.batch_key as string | null) ?? null });

/**
 * @now, @limit: the next jobs to run, pending and due or running with a
 * lapsed lease, oldest first. One seek per kind, then the oldest of both:
 * with the two kinds ORed in one WHERE, SQLite read every due row and sorted
 * them (12 ms a claim with 20,000 due, against 0.01 ms), a backlog's claims
 * then costing the square of its size.
 */
export const dueJobs: Statement<void, DueJob> = {
  text: () => `select id, attempts from (
       select * from (select id, attempts, run_at from jobs where status = 'pending' and run_at <= @now order by run_at, id limit @limit)
       union all
       select * from (select id, attempts, run_at from jobs where status = 'running' and lease_until <= @now order by run_at, id limit @limit)
     ) order by run_at, id limit @limit`,
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

/**
 * @channel, @now, @limit: due messages of no batch yet that are not rendered,
 * in the dispatch index's order (rows rendered already, retries or ahead, are
 * skipped in place).
 */
export const unrendered: Statement<void, Message> = {
  text: () => `select * from messages
     where status = 'queued' and channel = @channel and send_after <= @now and text is null and batch_key is null
     order by send_after, id limit @limit`,
  row: messageRow,
};

/**
 * @now, @perShop: the first due delivery, oldest first, whose endpoint is not
 * paused and whose shop has fewer than @perShop deliveries in flight (leased
 * and the lease live, by any process).
 */
export const dueDelivery: Statement<void, WebhookDelivery> = {
  text: () => `select d.* from webhook_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= @now and (d.lease_until is null or d.lease_until <= @now)
       and not exists (select 1 from webhook_endpoints e where e.shop_id = d.shop_id and e.channel = d.channel and e.disabled_at is not null)
       and (select count(*) from webhook_deliveries x where x.shop_id = d.shop_id and x.status = 'pending' and x.lease_until > @now) < @perShop
     order by d.next_attempt_at, d.id limit 1`,
  row: deliveryRow,
};

/**
 * Whether the shop may start one more delivery, asked after `dueDelivery`
 * found one of its rows. Always: this transaction began IMMEDIATE, so the
 * count `dueDelivery` made still holds.
 */
export async function roomForDelivery(_tx: Tx, _shopId: string, _now: number, _perShop: number): Promise<boolean> {
  return true;
}
