import { eq, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../index.ts';
import { signups } from '../../schema/index.ts';

/**
 * Row locks, SQLite twin of db/sql/pg/locks.ts. Nothing to take here: every
 * transaction begins IMMEDIATE (db/transaction.ts), which makes it the only
 * writer of the file, across processes too, until it commits.
 */

/** A variant's line: the queue_counts row its places are counted in. */
export interface Line {
  shopId: string;
  variantId: string;
}

/** Locks variants' rows, in id order, before their stock, holds or line change. */
export async function lockVariants(_tx: Tx, _shopId: string, _ids: readonly string[]): Promise<void> {}

/** Locks the lines' count rows before places join them. */
export async function lockLines(_tx: Tx, _lines: readonly Line[]): Promise<void> {}

const statements = perConnection((db: Db) => ({
  maxSeq: db.select({ max: sql<number | null>`max(${signups.seq})` }).from(signups).where(eq(signups.shopId, sql.placeholder('shopId'))).prepare(),
}));

/**
 * `count` fresh sequence numbers for places at the tail of the shop's lines,
 * ascending: the shop's maximum + 1 onwards, read from the end of the
 * (shop, seq) index the admin list uses. The writer is alone, so no one else
 * reads the same maximum before this transaction commits.
 */
export async function nextSeqs(tx: Tx, shopId: string, count: number): Promise<number[]> {
  const [row] = await statements(tx).maxSeq.execute({ shopId });
  const after = Number(row?.max ?? 0);
  return Array.from({ length: count }, (_, k) => after + 1 + k);
}
