import { eq } from 'drizzle-orm';
import { purchaseOrders, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { findPurchaseOrder, requireNotPast, requireOpen, supplierName } from './find.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

/**
 * `PATCH /v1/admin/purchase-orders/:id`: the supplier quoted a new date. If
 * this PO is behind a variant's ETA, its customers hear it once; the same
 * date again is no change.
 */
export async function requotePurchaseOrder(deps: Deps, shop: Shop, id: number, quotedArrival: string) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const po = await findPurchaseOrder(tx, shop.id, id);
    requireOpen(po);
    requireNotPast(quotedArrival, now);
    if (po.quotedArrival === quotedArrival) return { purchaseOrder: presentPurchaseOrder(po, await supplierName(tx, po.supplierId)), notified: 0 };
    const [updated] = await tx.update(purchaseOrders).set({ quotedArrival, updatedAt: now }).where(eq(purchaseOrders.id, po.id)).returning();
    const notified = await refreshEtas(tx, deps, shop, [po.variantId], REASONS.quoted, now);
    return { purchaseOrder: presentPurchaseOrder(updated!, await supplierName(tx, po.supplierId)), notified };
  });
  deps.wake();
  return result;
}
