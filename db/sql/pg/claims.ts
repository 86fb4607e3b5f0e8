import { sql } from 'drizzle-orm';
import type { Tx } from '../../index.ts';
import { rows } from '../../raw.ts';
import type { Statement } from '../statement.ts';
import { deliveryRow, messageRow, type DueJob, type FirstMessage } from '../sqlite/claims.ts';
import type { Message, WebhookDelivery } from '../../schema/index.ts';

/**
 * The reads that pick what a worker claims, PostgreSQL twin of
 * db/sql/sqlite/claims.ts (same names, same `@name` parameters). What differs
 * and why: several replicas claim at once under READ COMMITTED, so each read
 * locks the rows it returns (`for update`) and passes over rows another
 * replica's claim holds (`skip locked`) instead of waiting for them or
 * reading them too. Nothing locked is handed out twice; a replica finding
 * everything locked finds nothing, and the holders carry on. Locks last until
 * the claim commits. The columns compared with `@now` are epoch-ms bigints.
 */

export { deliveryRow, messageRow, type DueJob, type FirstMessage } from '../sqlite/claims.ts';

/**
 * @now, @limit: two branches, each a short walk of jobs_due_idx (status,
 * run_at, id) that stops after @limit rows not locked by another replica: the
 * due pending jobs and the running ones whose lease lapsed, the oldest of
 * both taken. One `or` over both, sorted as a whole, read every due row of a
 * deep backlog before picking (EXPLAIN on 100k jobs in the commit); without
 * `id` in the index, a backlog due at one instant was sorted at every claim.
 * Rows read and not taken stay locked until this claim commits: other
 * replicas pass over them for those few milliseconds and take the next.
 */
export const dueJobs: Statement<void, DueJob> = {
  text: () => `with pending as (
       select id, attempts, run_at from jobs where status = 'pending' and run_at <= @now
       order by run_at, id limit @limit for update skip locked
     ), lapsed as (
       select id, attempts, run_at from jobs where status = 'running' and lease_until <= @now
       order by run_at, id limit @limit for update skip locked
     )
     select id, attempts from (select * from pending union all select * from lapsed) due order by run_at, id limit @limit`,
  row: (r) => ({ id: Number(r.id), attempts: Number(r.attempts) }),
};

const firstRow = (r: Record<string, unknown>): FirstMessage => ({ id: Number(r.id), batchKey: (r.batch_key as string | null) ?? null });

export const firstSending: Statement<void, FirstMessage> = {
  text: () => `select id, batch_key from messages
     where status = 'sending' and channel = @channel and lease_until <= @now
     order by id limit 1 for update skip locked`,
  row: firstRow,
};

export const firstQueued: Statement<void, FirstMessage> = {
  text: () => `select id, batch_key from messages
     where status = 'queued' and channel = @channel and send_after <= @now
     order by send_after, id limit 1 for update skip locked`,
  row: firstRow,
};

/** Members another replica holds are skipped: the caller compares with `unsettledMembers` and leaves a split batch alone. */
export const batchMembers: Statement<void, Message> = {
  text: () => `select * from messages where batch_key = @batchKey and status in ('queued', 'sending') order by id for update skip locked`,
  row: messageRow,
};

/** Not locking: it counts the members other replicas hold too. */
export const unsettledMembers: Statement<void, { n: number }> = {
  text: () => `select count(*) as n from messages where batch_key = @batchKey and status in ('queued', 'sending')`,
  row: (r) => ({ n: Number(r.n) }),
};

export const nextDue: Statement<void, Message> = {
  text: () => `select * from messages
     where status = 'queued' and channel = @channel and send_after <= @now and batch_key is null
     order by send_after, id limit @limit for update skip locked`,
  row: messageRow,
};

/** Rows being rendered by another replica are skipped: each row is rendered once, by whichever locked it. */
export const unrendered: Statement<void, Message> = {
  text: () => `select * from messages
     where status = 'queued' and channel = @channel and send_after <= @now and text is null and batch_key is null
     order by send_after, id limit @limit for update skip locked`,
  row: messageRow,
};

/**
 * Locks the row it returns, so no other replica claims it; the shop's
 * in-flight count here is only a first filter (another replica may be
 * claiming for the same shop right now): `roomForDelivery` decides.
 */
export const dueDelivery: Statement<void, WebhookDelivery> = {
  text: () => `select d.* from webhook_deliveries d
     where d.status = 'pending' and d.next_attempt_at <= @now and (d.lease_until is null or d.lease_until <= @now)
       and not exists (select 1 from webhook_endpoints e where e.shop_id = d.shop_id and e.channel = d.channel and e.disabled_at is not null)
       and (select count(*) from webhook_deliveries x where x.shop_id = d.shop_id and x.status = 'pending' and x.lease_until > @now) < @perShop
     order by d.next_attempt_at, d.id limit 1 for update of d skip locked`,
  row: deliveryRow,
};

/** The advisory lock namespace of shops' webhook claims ('WL' and 0x10). */
const DELIVERY_LOCKS = 0x574c0010;

/**
 * Whether the shop may start one more delivery. Replicas claiming for one
 * shop take turns under the shop's advisory lock until they commit; the count
 * is a statement after the lock, so it reads every claim committed before
 * ours, and the shop never has more than `perShop` leases live fleet-wide.
 */
export async function roomForDelivery(tx: Tx, shopId: string, now: number, perShop: number): Promise<boolean> {
  await rows(tx, sql`select pg_advisory_xact_lock(${DELIVERY_LOCKS}, hashtext(${shopId}))`);
  const [live] = await rows<{ n: number }>(
    tx,
    sql`select count(*) as n from webhook_deliveries where shop_id = ${shopId} and status = 'pending' and lease_until > ${now}`,
  );
  return Number(live!.n) < perShop;
}
