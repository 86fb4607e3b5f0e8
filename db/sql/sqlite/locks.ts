import type { Tx } from '../../index.ts';

/**
 * Row locks, SQLite twin of db/sql/pg/locks.ts. Nothing to take here: every
 * transaction begins IMMEDIATE (db/transaction.ts), which makes it the only
 * writer of the file, across processes too, until it commits.
 */

/** Locks variants' rows, in id order, before their stock, holds or line change. */
export async function lockVariants(_tx: Tx, _shopId: string, _ids: readonly string[]): Promise<void> {}

/** Makes this transaction the only one giving out the shop's signup sequence numbers until it commits. */
export async function lockShopSequence(_tx: Tx, _shopId: string): Promise<void> {}
