import type Database from 'better-sqlite3';
import type { Db } from '../../../db/index.ts';
import * as sql from '../../../db/sql/sqlite/queue.ts';
import type { HeadRow } from '../../../db/sql/sqlite/queue.ts';

export type { HeadRow } from '../../../db/sql/sqlite/queue.ts';

/**
 * The hot reads of allocation as prepared statements on the raw connection:
 * each is one index range or seek, so a restock costs units, not queue depth.
 * Statements belong to a connection; the cache is per connection. The SQL is
 * db/sql/sqlite/queue.ts (its PostgreSQL twin is db/sql/pg/queue.ts).
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

const cache = new WeakMap<Database.Database, QueueReads>();

export function queueReads(db: Db): QueueReads {
  const client = db.$client;
  const found = cache.get(client);
  if (found) return found;
  const head = client.prepare(sql.queueHead.text());
  const firstOfQuantity = client.prepare(sql.firstOfQuantity.text());
  const between = client.prepare(sql.waitingBetween.text());
  const count = client.prepare(sql.waitingCount.text());
  const held = client.prepare(sql.heldUnits.text());
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
