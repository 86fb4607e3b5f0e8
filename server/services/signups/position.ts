import { and, eq, lt, sql } from 'drizzle-orm';
import { perConnection, type Db, type DbOrTx } from '../../../db/index.ts';
import { queueCounts, signups, type Signup } from '../../../db/schema/index.ts';

/**
 * 1 + the waiting signups ahead in the same queue (SPEC §2). Offered and
 * pending signups are not in line, so they have no position.
 */
export function positionOf(db: DbOrTx, signup: Pick<Signup, 'shopId' | 'variantId' | 'status' | 'seq'>): number | null {
  if (signup.status !== 'waiting') return null;
  const ahead =
    db
      .select({ n: sql<number>`count(*)` })
      .from(signups)
      .where(
        and(
          eq(signups.shopId, signup.shopId),
          eq(signups.variantId, signup.variantId),
          eq(signups.status, 'waiting'),
          lt(signups.seq, signup.seq),
        ),
      )
      .get()?.n ?? 0;
  return ahead + 1;
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
 */
export function nextSeq(db: Db, shopId: string): number {
  return (statements(db).maxSeq.get({ shopId })?.max ?? 0) + 1;
}

/**
 * The position of a signup that has just become `waiting` with `nextSeq()`:
 * it is behind every other waiting signup of its variant, so its position is
 * the variant's waiting count (itself included), kept by the queue_counts
 * triggers. Constant time, where positionOf() steps through the whole line.
 */
export function tailPosition(db: Db, shopId: string, variantId: string): number {
  return statements(db).waiting.get({ shopId, variantId })?.n ?? 1;
}
