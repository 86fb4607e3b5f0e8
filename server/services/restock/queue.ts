import type Database from 'better-sqlite3';
import type { Db } from '../../../db/index.ts';

/**
 * The hot reads of allocation as prepared statements on the raw connection:
 * each is one index range or seek, so a restock costs units, not queue depth.
 * Statements belong to a connection; the cache is per connection.
 */
export interface QueueReads {
  /** Waiting signups after `seq`, in FIFO order, with what messages need of the contact. */
  head(shopId: string, variantId: string, afterSeq: number, limit: number): HeadRow[];
  /** The first waiting signup after `seq` with exactly this quantity. */
  firstOfQuantity(shopId: string, variantId: string, quantity: number, afterSeq: number): { seq: number } | undefined;
  /** Waiting signups strictly between two sequence numbers. */
  waitingBetween(shopId: string, variantId: string, afterSeq: number, beforeSeq: number): number;
  waitingCount(shopId: string, variantId: string): number;
  heldUnits(shopId: string, variantId: string): number;
}

export interface HeadRow {
  id: number;
  seq: number;
  quantity: number;
  kind: 'waitlist' | 'preorder';
  token: string;
  contactId: number;
}

const cache = new WeakMap<Database.Database, QueueReads>();

export function queueReads(db: Db): QueueReads {
  const client = db.$client;
  const found = cache.get(client);
  if (found) return found;
  const head = client.prepare(
    `select id, seq, quantity, kind, token, contact_id as contactId from signups
     where shop_id = ? and variant_id = ? and status = 'waiting' and seq > ? order by seq limit ?`,
  );
  const firstOfQuantity = client.prepare(
    `select seq from signups where shop_id = ? and variant_id = ? and status = 'waiting' and quantity = ? and seq > ?
     order by seq limit 1`,
  );
  const between = client.prepare(
    `select count(*) as n from signups where shop_id = ? and variant_id = ? and status = 'waiting' and seq > ? and seq < ?`,
  );
  const count = client.prepare(`select count(*) as n from signups where shop_id = ? and variant_id = ? and status = 'waiting'`);
  const held = client.prepare(
    `select coalesce(sum(units), 0) as n from offers where shop_id = ? and variant_id = ? and status = 'active'`,
  );
  const reads: QueueReads = {
    head: (shopId, variantId, afterSeq, limit) => head.all(shopId, variantId, afterSeq, limit) as HeadRow[],
    firstOfQuantity: (shopId, variantId, quantity, afterSeq) =>
      firstOfQuantity.get(shopId, variantId, quantity, afterSeq) as { seq: number } | undefined,
    waitingBetween: (shopId, variantId, afterSeq, beforeSeq) =>
      (between.get(shopId, variantId, afterSeq, beforeSeq) as { n: number }).n,
    waitingCount: (shopId, variantId) => (count.get(shopId, variantId) as { n: number }).n,
    heldUnits: (shopId, variantId) => (held.get(shopId, variantId) as { n: number }).n,
  };
  cache.set(client, reads);
  return reads;
}
