import { and, count, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, signups } from '../../../db/schema/index.ts';

/** How many people an ETA change on each variant would tell: waiting pre-orders and backorder lines. */
export async function etaAudience(db: DbOrTx, shopId: string, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const add = (rows: Array<{ id: string; n: number }>) => rows.forEach((r) => out.set(r.id, (out.get(r.id) ?? 0) + r.n));
  add(
    await db
      .select({ id: signups.variantId, n: count() })
      .from(signups)
      .where(and(eq(signups.shopId, shopId), inArray(signups.variantId, ids), eq(signups.kind, 'preorder'), inArray(signups.status, ['waiting', 'pending'])))
      .groupBy(signups.variantId),
  );
  add(
    await db
      .select({ id: backorders.variantId, n: count() })
      .from(backorders)
      .where(and(eq(backorders.shopId, shopId), inArray(backorders.variantId, ids), eq(backorders.status, 'waiting')))
      .groupBy(backorders.variantId),
  );
  return out;
}
