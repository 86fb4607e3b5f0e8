import { and, eq, lt, sql } from 'drizzle-orm';
import { perConnection, type Db, type DbOrTx, type Tx } from '../../../db/index.ts';
import { queueCounts, signups, type Signup } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';

/**
 * 1 + the waiting signups ahead in the same queue (SPEC §2). Offered and
 * pending signups are not in line, so they have no position.
 */
export async function positionOf(db: DbOrTx, signup: Pick<Signup, 'shopId' | 'variantId' | 'status' | 'seq'>): Promise<number | null> {
  if (signup.status !== 'waiting') return null;
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(signups)
    .where(
      and(
        eq(signups.shopId, signup.shopId),
        eq(signups.variantId, signup.variantId),
        eq(signups.status, 'waiting'),
        lt(signups.seq, signup.seq),
      ),
    );
  return Number(row?.n ?? 0) + 1;
}

const statements = perConnection((db: Db) => ({
  maxSeq: db.select({ max: sql<number | null>`max(${signups.seq})` }).from(signups).where(eq(signups.shopId, sql.placeholder('shopId'))).prepare(),
  waiting: db
    .select({ n: queueCounts.waiting })
    .from(queueCounts)
    .where(and(eq(queueCounts.shopId, sql.placeholder('shopId')), eq(queueCounts.variantId, sql.placeholder('variantId'))))
    .prepare(),
}));

/**
 * The next FIFO sequence number: the tail of every queue of the shop. Order
 * only matters within a variant's line, so the shop's own maximum is enough,
 * and it is read from the end of the (shop, seq) index the admin list uses.
 * Read in the transaction that writes it, under the shop's sequence lock
 * (a no-op on SQLite, whose writer is alone): no other replica reads the same
 * maximum until this one commits, so numbers are unique, their order is
 * commit order, and a position counted now stays true.
 */
export async function nextSeq(tx: Tx, shopId: string): Promise<number> {
  await twins(tx).locks.lockShopSequence(tx, shopId);
  const [row] = await statements(tx).maxSeq.execute({ shopId });
  return Number(row?.max ?? 0) + 1;
}

/**
 * The position of a signup that has just become `waiting` with `nextSeq()`:
 * it is behind every other waiting signup of its variant, so its position is
 * the variant's waiting count (itself included), kept by the queue_counts
 * triggers. Constant time, where positionOf() steps through the whole line.
 */
export async function tailPosition(db: DbOrTx, shopId: string, variantId: string): Promise<number> {
  const [row] = await statements(db).waiting.execute({ shopId, variantId });
  return row?.n ?? 1;
}
