import { and, eq, lt, or, sql } from 'drizzle-orm';
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
  waiting: db
    .select({ n: queueCounts.waiting })
    .from(queueCounts)
    .where(and(eq(queueCounts.shopId, sql.placeholder('shopId')), eq(queueCounts.variantId, sql.placeholder('variantId'))))
    .prepare(),
}));

/**
 * FIFO sequence numbers for `count` new places of the shop in its lines
 * `variantIds`, ascending, to be given in arrival order. Order only matters
 * within a line, so the lines' count rows are locked first (a no-op on
 * SQLite, whose writer is alone) and held until commit: no other place joins
 * these lines meanwhile, so the numbers come after every place in them, their
 * order is commit order, and a position counted now stays true. Other lines,
 * of this shop too, take places meanwhile.
 */
export async function nextSeqs(tx: Tx, shopId: string, variantIds: readonly string[], count: number): Promise<number[]> {
  if (count === 0) return [];
  await twins(tx).locks.lockLines(tx, variantIds.map((variantId) => ({ shopId, variantId })));
  return twins(tx).locks.nextSeqs(tx, shopId, count);
}

/** The next FIFO sequence number for one place in the variant's line (see nextSeqs). */
export async function nextSeq(tx: Tx, shopId: string, variantId: string): Promise<number> {
  return (await nextSeqs(tx, shopId, [variantId], 1))[0]!;
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

/**
 * tailPosition for many lines in one read, by `shop\0variant`: what a batch
 * needs while it holds their count rows, one round trip however many lines.
 */
export async function tailPositions(db: DbOrTx, lines: ReadonlyArray<{ shopId: string; variantId: string }>): Promise<Map<string, number>> {
  const keys = new Map(lines.map((l) => [`${l.shopId}\0${l.variantId}`, l]));
  const counts = new Map<string, number>();
  if (keys.size === 0) return counts;
  const wanted = or(...[...keys.values()].map((l) => and(eq(queueCounts.shopId, l.shopId), eq(queueCounts.variantId, l.variantId))));
  for (const r of await db.select().from(queueCounts).where(wanted)) counts.set(`${r.shopId}\0${r.variantId}`, Number(r.waiting));
  return counts;
}
