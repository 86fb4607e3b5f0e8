import type { Statement } from '../statement.ts';
import { messageRow, type DueJob, type FirstMessage } from '../sqlite/claims.ts';
import type { Message } from '../../schema/index.ts';

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

export { messageRow, type DueJob, type FirstMessage } from '../sqlite/claims.ts';

export const dueJob: Statement<void, DueJob> = {
  text: () => `select id, attempts from jobs
     where (status = 'pending' and run_at <= @now) or (status = 'running' and lease_until <= @now)
     order by run_at, id limit 1 for update skip locked`,
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
