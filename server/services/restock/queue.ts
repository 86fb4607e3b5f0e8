import type { DbOrTx } from '../../../db/index.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';

/** A waiting signup as allocation reads it (id, seq, quantity, kind, token, contactId). */
export type HeadRow = Awaited<ReturnType<ReturnType<typeof twins>['queue']['queueHead']['row']>>;

/**
 * The hot reads of allocation: each is one index range or seek, so a restock
 * costs units, not queue depth. The SQL is the engine's twin in
 * db/sql/<engine>/queue.ts, run with positional parameters (prepared once per
 * connection on SQLite). Reads take the transaction they run in, if any.
 */
export interface QueueReads {
  /** Waiting signups after `seq`, in FIFO order, with what messages need of the contact. */
  head(shopId: string, variantId: string, afterSeq: number, limit: number): Promise<HeadRow[]>;
  /** The first waiting signup after `seq` with exactly this quantity. */
  firstOfQuantity(shopId: string, variantId: string, quantity: number, afterSeq: number): Promise<{ seq: number } | undefined>;
  /** Waiting signups strictly between two sequence numbers. */
  waitingBetween(shopId: string, variantId: string, afterSeq: number, beforeSeq: number): Promise<number>;
  waitingCount(shopId: string, variantId: string): Promise<number>;
  heldUnits(shopId: string, variantId: string): Promise<number>;
}

export function queueReads(db: DbOrTx): QueueReads {
  const { queue } = twins(db);
  const count = async (rows: Promise<Array<{ n: number }>>) => (await rows)[0]?.n ?? 0;
  return {
    head: (shopId, variantId, afterSeq, limit) => statementRows(db, queue.queueHead, undefined, [shopId, variantId, afterSeq, limit]),
    firstOfQuantity: async (shopId, variantId, quantity, afterSeq) =>
      (await statementRows(db, queue.firstOfQuantity, undefined, [shopId, variantId, quantity, afterSeq]))[0],
    waitingBetween: (shopId, variantId, afterSeq, beforeSeq) =>
      count(statementRows(db, queue.waitingBetween, undefined, [shopId, variantId, afterSeq, beforeSeq])),
    waitingCount: (shopId, variantId) => count(statementRows(db, queue.waitingCount, undefined, [shopId, variantId])),
    heldUnits: (shopId, variantId) => count(statementRows(db, queue.heldUnits, undefined, [shopId, variantId])),
  };
}
