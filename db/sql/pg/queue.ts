import type { Statement } from '../statement.ts';
import type { HeadRow } from '../sqlite/queue.ts';
import { num } from './named.ts';

/**
 * The hot reads of a restock's allocation, PostgreSQL twin of
 * db/sql/sqlite/queue.ts (same names, parameters in the same order as `$n`).
 * What differs and why: `"contactId"` is quoted (unquoted identifiers fold to
 * lower case); ids, seq and quantity are bigint, `count(*)` bigint and
 * `sum(bigint)` numeric, all strings from node-postgres, so `row` makes numbers.
 */

export type { HeadRow } from '../sqlite/queue.ts';

export const queueHead: Statement<void, HeadRow> = {
  text: () => `select id, seq, quantity, kind, token, contact_id as "contactId" from signups
     where shop_id = $1 and variant_id = $2 and status = 'waiting' and seq > $3 order by seq limit $4`,
  row: (r) => ({ id: num(r.id), seq: num(r.seq), quantity: num(r.quantity), kind: r.kind as HeadRow['kind'], token: r.token as string, contactId: num(r.contactId) }),
};

export const firstOfQuantity: Statement<void, { seq: number }> = {
  text: () => `select seq from signups where shop_id = $1 and variant_id = $2 and status = 'waiting' and quantity = $3 and seq > $4
     order by seq limit 1`,
  row: (r) => ({ seq: num(r.seq) }),
};

export const waitingBetween: Statement<void, { n: number }> = {
  text: () => `select count(*) as n from signups where shop_id = $1 and variant_id = $2 and status = 'waiting' and seq > $3 and seq < $4`,
  row: (r) => ({ n: num(r.n) }),
};

/** The line's length as the signups triggers keep it (queue_counts): one row, however deep the line. */
export const waitingCount: Statement<void, { n: number }> = {
  text: () => `select coalesce((select waiting from queue_counts where shop_id = $1 and variant_id = $2), 0) as n`,
  row: (r) => ({ n: num(r.n) }),
};

export const heldUnits: Statement<void, { n: number }> = {
  text: () => `select coalesce(sum(units), 0) as n from offers where shop_id = $1 and variant_id = $2 and status = 'active'`,
  row: (r) => ({ n: num(r.n) }),
};
