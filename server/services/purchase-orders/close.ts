import { eq } from 'drizzle-orm';
import { purchaseOrders, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
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
export async function closePurchaseOrder(deps: Deps, shop: Shop, id: number) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const po = await findPurchaseOrder(tx, shop.id, id);
    requireOpen(po);
    const status = po.receivedQuantity > 0 ? ('received' as const) : ('cancelled' as const);
    const [updated] = await tx.update(purchaseOrders).set({ status, closedAt: now, updatedAt: now }).where(eq(purchaseOrders.id, po.id)).returning();
    const notified = await refreshEtas(tx, deps, shop, [po.variantId], REASONS.next, now);
    return { purchaseOrder: presentPurchaseOrder(updated!, await supplierName(tx, po.supplierId)), notified };
  });
  deps.wake();
  return result;
}
