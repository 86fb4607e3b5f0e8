import { and, eq } from 'drizzle-orm';
import { purchaseOrders, type Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { findPurchaseOrder, requireOpen, supplierName } from './find.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

/**
 * `POST /v1/admin/purchase-orders/:id/close`: a short shipment the supplier
 * will not complete (`received`, with fewer units than ordered) or a PO
 * cancelled before anything came (`cancelled`). Its outstanding units stop
 * counting toward the default pre-order limit, and the variant's ETA moves to
 * its next open PO, if any. The variant is locked as a receipt locks it, so
 * a receipt landing at the same moment is counted before the status is chosen.
 */
export async function closePurchaseOrder(deps: Deps, shop: Shop, id: number) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    await twins(tx).locks.lockVariants(tx, shop.id, [(await findPurchaseOrder(tx, shop.id, id)).variantId]);
    const po = await findPurchaseOrder(tx, shop.id, id);
    requireOpen(po);
    const status = po.receivedQuantity > 0 ? ('received' as const) : ('cancelled' as const);
    const [updated] = await tx
      .update(purchaseOrders)
      .set({ status, closedAt: now, updatedAt: now })
      .where(and(eq(purchaseOrders.id, po.id), eq(purchaseOrders.status, 'open')))
      .returning();
    if (!updated) throw Conflict(`Purchase order ${po.id} closed while this was recorded`);
    const notified = await refreshEtas(tx, deps, shop, [po.variantId], REASONS.next, now);
    return { purchaseOrder: presentPurchaseOrder(updated!, await supplierName(tx, po.supplierId)), notified };
  });
  deps.wake();
  return result;
}
