import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../index.ts';
import { rows } from '../../raw.ts';
import { variants } from '../../schema/index.ts';
import type { Line } from '../sqlite/locks.ts';
import { num } from './named.ts';

export type { Line } from '../sqlite/locks.ts';

/**
 * Row locks, PostgreSQL twin of db/sql/sqlite/locks.ts. Several replicas write
 * at once under READ COMMITTED; what keeps them from overselling or sharing a
 * place is one lock order, taken by every transaction that needs it:
 *
 *   1. the variants' rows (`lockVariants`, in id order), before anything that
 *      reads or changes their stock, holds or line;
 *   2. the `queue_counts` rows of the lines it changes (`lockLines` before a
 *      signup takes its place; else the signups triggers take them).
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

/**
 * Locks the lines' count rows, making a missing one, in (shop, variant) order
 * as the database sorts it, which is the order the signups triggers lock them
 * in. While it is held no other place joins these lines, so the numbers taken
 * next (`nextSeqs`) come after every place they hold, in commit order. Places
 * in other lines, of this shop too, go on meanwhile.
 */
export async function lockLines(tx: Tx, lines: readonly Line[]): Promise<void> {
  if (lines.length === 0) return;
  // Each line once: `on conflict do update` refuses to touch one row twice in a statement.
  const distinct = [...new Map(lines.map((l) => [`${l.shopId}\0${l.variantId}`, { shop_id: l.shopId, variant_id: l.variantId }])).values()];
  await rows(
    tx,
    sql`insert into queue_counts (shop_id, variant_id, waiting)
      select l.shop_id, l.variant_id, 0 from json_to_recordset(${JSON.stringify(distinct)}::json) as l(shop_id text, variant_id text)
      order by l.shop_id, l.variant_id
      on conflict (shop_id, variant_id) do update set waiting = queue_counts.waiting returning waiting`,
  );
}

/**
 * `count` fresh sequence numbers for places at the tail of their lines,
 * ascending, from one sequence every replica draws on (db/schema-pg/signups.ts
 * `signupSeq`). Unique without a lock; taken under `lockLines`, a line's
 * numbers also rise in commit order.
 */
export async function nextSeqs(tx: Tx, _shopId: string, count: number): Promise<number[]> {
  const drawn = await rows<{ seq: unknown }>(tx, sql`select nextval('signup_seq') as seq from generate_series(1, ${count}::int) order by seq`);
  return drawn.map((r) => num(r.seq));
}
