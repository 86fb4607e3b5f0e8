import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { purchaseOrders, variants, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { applyEtaChange } from '../eta/change.ts';
import { presentEta } from '../variants/upsert.ts';
import { etaRules, governingPurchaseOrders, predictFor } from './history.ts';
import { daysBetween, isLate } from './predict.ts';

/** Customer-facing reasons, one per kind of event. */
export const REASONS = {
  created: 'A new shipment is on order from our supplier.',
  quoted: 'Supplier updated the arrival date.',
  history: "Updated from our supplier's recent delivery times.",
  next: 'The next shipment is now on its way.',
  released: 'Updated from our latest purchase order.',
  late: 'The shipment is later than our supplier expected.',
  narrowed: 'The shipment is getting closer, so the range is narrower.',
} as const;

/** A merchant's ETA wins; an ETA with no source predates purchase orders, so it is the merchant's too. */
export const isMerchantEta = (v: Variant) => v.etaSource === 'merchant' || (v.etaSource === null && presentEta(v) !== null);

/**
 * Recomputes the purchase-order ETA of each variant and runs the ETA-change
 * flow where it really changed:
 * - the shipment behind it changed (another PO is now the earliest, or its
 *   quoted date moved): customers are told even of a small move, the
 *   supplier's word is news;
 * - otherwise, only when new history moves either end by more than
 *   `etaShiftThreshold`: small drifts keep the range customers were told.
 * A variant whose ETA the merchant set is left alone; one with no open PO
 * keeps the last range it was told. `reason` explains a changed shipment;
 * a move of the same one says whether it is overdue or new history. Running
 * this twice for one event changes nothing the second time. Returns how many
 * customers were told.
 */
export async function refreshEtas(tx: Tx, deps: Deps, shop: Shop, variantIds: string[], reason: string, now: Date): Promise<number> {
  return (await refreshEtaRanges(tx, deps, shop, variantIds, reason, now)).notified;
}

/** `refreshEtas`, also counting the variants whose range moved: an import's dry run reports both. */
export async function refreshEtaRanges(tx: Tx, deps: Deps, shop: Shop, variantIds: string[], reason: string, now: Date): Promise<{ notified: number; changed: number }> {
  const ids = [...new Set(variantIds)];
  if (ids.length === 0) return { notified: 0, changed: 0 };
  const today = now.toISOString().slice(0, 10);
  const { thresholdDays } = etaRules(shop);
  const governing = await governingPurchaseOrders(tx, shop.id, ids);
  // In id order, so customers are told in the same order on both engines.
  const list = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), inArray(variants.id, ids))).orderBy(variants.id);
  let notified = 0;
  let changed = 0;
  for (const variant of list) {
    const po = governing.get(variant.id);
    if (!po || isMerchantEta(variant)) continue;
    const { eta, basis } = await predictFor(tx, shop, po, today);
    const told = presentEta(variant);
    const was = variant.etaSource === 'purchase-order' ? variant.etaBasis : null;
    const sameShipment = told && was && was.purchaseOrderId === po.id && was.quotedArrival === po.quotedArrival;
    if (sameShipment) {
      const shift = Math.max(Math.abs(daysBetween(told.earliest, eta.earliest)), Math.abs(daysBetween(told.latest, eta.latest)));
      if (shift <= thresholdDays) continue;
    }
    // The same shipment moves for one of two reasons: it is overdue, or new history.
    // The same shipment moves because it is overdue, because new history moved its slips, or because days passed inside its window.
    const sameSlips = was !== null && was.slipLow === basis.slipLow && was.slipHigh === basis.slipHigh;
    const why = !sameShipment ? reason : isLate(po.quotedArrival, { low: basis.slipLow }, today) ? REASONS.late : sameSlips ? REASONS.narrowed : REASONS.history;
    const applied = await applyEtaChange(tx, deps, shop, variant, eta, { reason: why, source: 'purchase-order', basis, now });
    notified += applied.notified;
    if (applied.changed) changed++;
  }
  return { notified, changed };
}

/** Variants whose ETA comes from an open PO of this supplier: new history may move them all. */
export async function variantsSuppliedBy(tx: Tx, shopId: string, supplierId: number): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: purchaseOrders.variantId })
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.shopId, shopId), eq(purchaseOrders.supplierId, supplierId), eq(purchaseOrders.status, 'open')));
  return rows.map((r) => r.id);
}
