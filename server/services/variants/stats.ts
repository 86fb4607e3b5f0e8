import { and, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, offers, purchaseOrders, queueCounts, signups, type Variant } from '../../../db/schema/index.ts';

export interface VariantStats {
  /** Waiting signups (not offered, not pending). */
  queueLength: number;
  /** Units held by active offers. */
  activeHolds: number;
  /** Public available: max(0, inventory) − held units (SPEC §2). */
  available: number;
  /** The merchant's preorderLimit, else the default from open purchase orders, else null (no limit). */
  effectivePreorderLimit: number | null;
  preorderLimitSource: 'merchant' | 'purchase-orders' | null;
  /** Pre-order units still open under the effective limit, or null without a limit. */
  preorderRemaining: number | null;
}

/** A sum as a number on both engines (node-postgres returns `numeric` as text unless db/pg.ts parses it). */
const total = (value: SQLWrapper) => sql<number>`sum(${value})`.mapWith(Number);
const grouped = (rows: Array<{ id: string; n: number }>) => new Map(rows.map((r) => [r.id, r.n]));

/** The numbers the storefront and the dashboard show for a set of variants, in a few grouped reads that do not walk the line. */
export async function variantStats(db: DbOrTx, shopId: string, list: Variant[]): Promise<Map<string, VariantStats>> {
  const ids = list.map((v) => v.id);
  const result = new Map<string, VariantStats>();
  if (ids.length === 0) return result;
  // Kept by triggers on signups (migration 0004): a lookup, however long the line.
  const queue = grouped(
    await db
      .select({ id: queueCounts.variantId, n: queueCounts.waiting })
      .from(queueCounts)
      .where(and(eq(queueCounts.shopId, shopId), inArray(queueCounts.variantId, ids))),
  );
  const holds = grouped(
    await db
      .select({ id: offers.variantId, n: total(offers.units) })
      .from(offers)
      .where(and(eq(offers.shopId, shopId), inArray(offers.variantId, ids), eq(offers.status, 'active')))
      .groupBy(offers.variantId),
  );
  // Only a merchant's limit counts every pre-order; a waitlist's line is not read.
  const preordered = await preorderedUnits(db, shopId, list.filter((v) => v.preorderLimit !== null).map((v) => v.id));
  const fromPos = await poPreorderDefaults(db, shopId, list.filter((v) => v.preorderLimit === null).map((v) => v.id));
  for (const v of list) {
    const activeHolds = holds.get(v.id) ?? 0;
    const byPo = fromPos.get(v.id);
    result.set(v.id, {
      queueLength: queue.get(v.id) ?? 0,
      activeHolds,
      available: Math.max(0, Math.max(0, v.inventory) - activeHolds),
      effectivePreorderLimit: v.preorderLimit ?? byPo?.limit ?? null,
      preorderLimitSource: v.preorderLimit !== null ? 'merchant' : byPo ? 'purchase-orders' : null,
      preorderRemaining:
        v.preorderLimit !== null ? Math.max(0, v.preorderLimit - (preordered.get(v.id) ?? 0)) : byPo ? Math.max(0, byPo.limit - byPo.waiting) : null,
    });
  }
  return result;
}

/** Units pre-ordered so far (pending, waiting, offered or bought), per variant. */
async function preorderedUnits(db: DbOrTx, shopId: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: signups.variantId, n: total(signups.quantity) })
    .from(signups)
    .where(
      and(
        eq(signups.shopId, shopId),
        inArray(signups.variantId, ids),
        eq(signups.kind, 'preorder'),
        inArray(signups.status, ['pending', 'waiting', 'offered', 'purchased']),
      ),
    )
    .groupBy(signups.variantId);
  return grouped(rows);
}

/**
 * Without a merchant's limit, a variant with open purchase orders can promise
 * what is on order: outstanding PO units − units owed to backorders (served
 * first), floor 0. Against it count only pre-orders still waiting for those
 * units; those already offered or bought were covered by earlier stock.
 */
async function poPreorderDefaults(db: DbOrTx, shopId: string, ids: string[]): Promise<Map<string, { limit: number; waiting: number }>> {
  const out = new Map<string, { limit: number; waiting: number }>();
  if (ids.length === 0) return out;
  const onOrder = grouped(
    await db
      .select({ id: purchaseOrders.variantId, n: total(sql`${purchaseOrders.quantity} - ${purchaseOrders.receivedQuantity}`) })
      .from(purchaseOrders)
      .where(and(eq(purchaseOrders.shopId, shopId), inArray(purchaseOrders.variantId, ids), eq(purchaseOrders.status, 'open')))
      .groupBy(purchaseOrders.variantId),
  );
  const withPos = [...onOrder.keys()];
  if (withPos.length === 0) return out;
  const owed = grouped(
    await db
      .select({ id: backorders.variantId, n: total(sql`${backorders.quantity} - ${backorders.served}`) })
      .from(backorders)
      .where(and(eq(backorders.shopId, shopId), inArray(backorders.variantId, withPos), eq(backorders.status, 'waiting')))
      .groupBy(backorders.variantId),
  );
  const waiting = grouped(
    await db
      .select({ id: signups.variantId, n: total(signups.quantity) })
      .from(signups)
      .where(and(eq(signups.shopId, shopId), inArray(signups.variantId, withPos), eq(signups.kind, 'preorder'), inArray(signups.status, ['pending', 'waiting'])))
      .groupBy(signups.variantId),
  );
  for (const id of withPos) out.set(id, { limit: Math.max(0, onOrder.get(id)! - (owed.get(id) ?? 0)), waiting: waiting.get(id) ?? 0 });
  return out;
}
