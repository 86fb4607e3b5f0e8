import { and, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { signups, type Signup } from '../../../db/schema/index.ts';

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

/** The next FIFO sequence number: the tail of every queue. */
export function nextSeq(db: DbOrTx): number {
  return (db.select({ max: sql<number | null>`max(${signups.seq})` }).from(signups).get()?.max ?? 0) + 1;
}
