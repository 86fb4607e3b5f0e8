import { eq } from 'drizzle-orm';
import { purchaseOrders, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { findPurchaseOrder, requireOpen, supplierName } from './find.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

/**
 * `POST /v1/admin/purchase-orders/:id/close`: a short shipment the supplier
 * will not complete (`received`, with fewer units than ordered) or a PO
 * cancelled before anything came (`cancelled`). Its outstanding units stop
 * counting toward the default pre-order limit, and the variant's ETA moves to
 * its next open PO, if any.
 */
export function closePurchaseOrder(deps: Deps, shop: Shop, id: number) {
  const result = deps.db.transaction((tx) => {
    const now = deps.clock.now();
    const po = findPurchaseOrder(tx, shop.id, id);
    requireOpen(po);
    const status = po.receivedQuantity > 0 ? ('received' as const) : ('cancelled' as const);
    const updated = tx.update(purchaseOrders).set({ status, closedAt: now, updatedAt: now }).where(eq(purchaseOrders.id, po.id)).returning().get();
    const notified = refreshEtas(tx, deps, shop, [po.variantId], REASONS.next, now);
    return { purchaseOrder: presentPurchaseOrder(updated, supplierName(tx, po.supplierId)), notified };
  });
  deps.wake();
  return result;
}
