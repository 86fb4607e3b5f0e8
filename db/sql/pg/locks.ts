import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../index.ts';
import { rows } from '../../raw.ts';
import { variants } from '../../schema/index.ts';

/**
 * Row locks, PostgreSQL twin of db/sql/sqlite/locks.ts. Several replicas write
 * at once under READ COMMITTED; what keeps them from overselling or sharing a
 * place is one lock order, taken by every transaction that needs it:
 *
 *   1. the variants' rows (`lockVariants`, in id order), before anything that
 *      reads or changes their stock, holds or line;
 *   2. the shop's sequence (`lockShopSequence`), before a signup takes its place;
 *   3. the `queue_counts` rows, which the signups triggers update.
 *
 * Each statement after a lock reads a fresh snapshot, so it sees what the
 * previous holder committed. Locks last until commit.
 */

/** Locks variants' rows, in id order, before their stock, holds or line change. */
export async function lockVariants(tx: Tx, shopId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const sorted = [...new Set(ids)].sort();
  await rows(tx, sql`select ${variants.id} from ${variants} where ${and(eq(variants.shopId, shopId), inArray(variants.id, sorted))} order by ${variants.id} for update`);
}

/** The advisory lock namespace of signup sequences ('WL' and 1); the migration lock uses a single-key lock. */
const SEQUENCE_LOCKS = 0x574c0001;

/**
 * Makes this transaction the only one giving out the shop's signup sequence
 * numbers until it commits: `max(seq) + 1` is then unique, and sequence order
 * is commit order, so a position counted at signup stays true.
 */
export async function lockShopSequence(tx: Tx, shopId: string): Promise<void> {
  await rows(tx, sql`select pg_advisory_xact_lock(${SEQUENCE_LOCKS}, hashtext(${shopId}))`);
}
