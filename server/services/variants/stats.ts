import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { offers, signups, type Variant } from '../../../db/schema/index.ts';

export interface VariantStats {
  /** Waiting signups (not offered, not pending). */
  queueLength: number;
  /** Units held by active offers. */
  activeHolds: number;
  /** Public available: max(0, inventory) − held units (SPEC §2). */
  available: number;
  /** preorderLimit − units already taken by pre-orders, or null without a limit. */
  preorderRemaining: number | null;
}

/** The numbers the storefront and the dashboard show for a set of variants, in three grouped reads. */
export function variantStats(db: DbOrTx, shopId: string, list: Variant[]): Map<string, VariantStats> {
  const ids = list.map((v) => v.id);
  const result = new Map<string, VariantStats>();
  if (ids.length === 0) return result;
  const queue = new Map(
    db
      .select({ id: signups.variantId, n: sql<number>`count(*)` })
      .from(signups)
      .where(and(eq(signups.shopId, shopId), inArray(signups.variantId, ids), eq(signups.status, 'waiting')))
      .groupBy(signups.variantId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  const holds = new Map(
    db
      .select({ id: offers.variantId, n: sql<number>`sum(${offers.units})` })
      .from(offers)
      .where(and(eq(offers.shopId, shopId), inArray(offers.variantId, ids), eq(offers.status, 'active')))
      .groupBy(offers.variantId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  const preordered = new Map(
    db
      .select({ id: signups.variantId, n: sql<number>`sum(${signups.quantity})` })
      .from(signups)
      .where(
        and(
          eq(signups.shopId, shopId),
          inArray(signups.variantId, ids),
          eq(signups.kind, 'preorder'),
          inArray(signups.status, ['pending', 'waiting', 'offered', 'purchased']),
        ),
      )
      .groupBy(signups.variantId)
      .all()
      .map((r) => [r.id, r.n]),
  );
  for (const v of list) {
    const activeHolds = holds.get(v.id) ?? 0;
    result.set(v.id, {
      queueLength: queue.get(v.id) ?? 0,
      activeHolds,
      available: Math.max(0, Math.max(0, v.inventory) - activeHolds),
      preorderRemaining: v.preorderLimit === null ? null : Math.max(0, v.preorderLimit - (preordered.get(v.id) ?? 0)),
    });
  }
  return result;
}
