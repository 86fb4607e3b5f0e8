import type { Statement } from '../statement.ts';

/**
 * The hot reads of a restock's allocation (server/services/restock/queue.ts),
 * SQLite twin of db/sql/pg/queue.ts. Positional `?` parameters, as the hot path
 * binds them (the PostgreSQL twin numbers them `$1…` in the same order).
 * Engine-specific because `contactId` is an unquoted camelCase alias and the
 * counts and sums are numbers here but strings from node-postgres.
 */

export interface HeadRow {
  id: number;
  seq: number;
  quantity: number;
  kind: 'waitlist' | 'preorder';
  token: string;
  contactId: number;
}

const same = <T>(raw: Record<string, unknown>) => raw as T;

/** (shopId, variantId, afterSeq, limit): waiting signups after `seq`, in FIFO order. */
export const queueHead: Statement<void, HeadRow> = {
  text: () => `select id, seq, quantity, kind, token, contact_id as contactId from signups
     where shop_id = ? and variant_id = ? and status = 'waiting' and seq > ? order by seq limit ?`,
  row: same,
};

/** (shopId, variantId, quantity, afterSeq): the first waiting signup after `seq` with exactly this quantity. */
export const firstOfQuantity: Statement<void, { seq: number }> = {
  text: () => `select seq from signups where shop_id = ? and variant_id = ? and status = 'waiting' and quantity = ? and seq > ?
     order by seq limit 1`,
  row: same,
};

/** (shopId, variantId, afterSeq, beforeSeq): waiting signups strictly between two sequence numbers. */
export const waitingBetween: Statement<void, { n: number }> = {
  text: () => `select count(*) as n from signups where shop_id = ? and variant_id = ? and status = 'waiting' and seq > ? and seq < ?`,
  row: same,
};

/** (shopId, variantId) */
/** The line's length as the signups triggers keep it (queue_counts): one row, however deep the line. */
export const waitingCount: Statement<void, { n: number }> = {
  text: () => `select coalesce((select waiting from queue_counts where shop_id = ? and variant_id = ?), 0) as n`,
  row: same,
};

/** (shopId, variantId): units held by active offers. */
export const heldUnits: Statement<void, { n: number }> = {
  text: () => `select coalesce(sum(units), 0) as n from offers where shop_id = ? and variant_id = ? and status = 'active'`,
  row: same,
};
