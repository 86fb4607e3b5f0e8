import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { poReceipts, purchaseOrders, type Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid } from '../../lib/errors.ts';
import { applyInventory } from '../restock/inventory.ts';
import { findPurchaseOrder, findVariant, requireOpen, supplierName } from './find.ts';
import { daysBetween } from './predict.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas, variantsSuppliedBy } from './refresh.ts';

export interface ReceiveInput {
  quantity: number;
  /** When the units came; the clock's now when not given. */
  receivedAt?: Date;
}

/**
 * `POST /v1/admin/purchase-orders/:id/receive`, in one transaction:
 * - the units go through the restock service as a rise in inventory, so
 *   backorders are served first, then the waitlist and pre-orders;
 * - the delivery is recorded with its slip (receipt date − quoted date) in the
 *   supplier's history; a PO closes when everything ordered has come;
 * - every open PO of this supplier may now predict differently, so their
 *   variants' ETAs are refreshed (told only past the shift threshold).
 * The variants it changes are locked first, in one sorted call, and the PO
 * read after: two receipts of one PO then count each other, the stock rises
 * by both, and two receipts from one supplier do not deadlock on the ETAs.
 */
export async function receivePurchaseOrder(deps: Deps, shop: Shop, id: number, input: ReceiveInput) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const touched = await variantsTouched(tx, shop.id, id);
    await twins(tx).locks.lockVariants(tx, shop.id, touched);
    const po = await findPurchaseOrder(tx, shop.id, id);
    const variant = await findVariant(tx, shop.id, po.variantId);
    requireOpen(po);
    const outstanding = po.quantity - po.receivedQuantity;
    if (input.quantity > outstanding) {
      throw Invalid(`quantity ${input.quantity} is more than the ${outstanding} still outstanding on this purchase order`, 'quantity');
    }
    const receivedAt = input.receivedAt ?? now;
    if (receivedAt.getTime() > now.getTime()) throw Invalid('receivedAt must not be in the future', 'receivedAt');
    const slipDays = daysBetween(po.quotedArrival, receivedAt.toISOString().slice(0, 10));
    await tx
      .insert(poReceipts)
      .values({ shopId: shop.id, supplierId: po.supplierId, purchaseOrderId: po.id, variantId: po.variantId, quantity: input.quantity, quotedArrival: po.quotedArrival, receivedAt, slipDays, createdAt: now });
    const received = po.receivedQuantity + input.quantity;
    const done = received === po.quantity;
    const [updated] = await tx
      .update(purchaseOrders)
      .set({ receivedQuantity: received, updatedAt: now, ...(done ? { status: 'received' as const, closedAt: now } : {}) })
      .where(and(eq(purchaseOrders.id, po.id), eq(purchaseOrders.status, 'open')))
      .returning();
    if (!updated) throw Conflict(`Purchase order ${po.id} closed while this receipt was recorded`);
    const { allocation } = await applyInventory(tx, deps, shop, variant, variant.inventory + input.quantity);
    const notified = await refreshEtas(tx, deps, shop, touched, REASONS.next, now);
    return { purchaseOrder: presentPurchaseOrder(updated!, await supplierName(tx, po.supplierId)), allocation, receipt: { quantity: input.quantity, receivedAt: receivedAt.toISOString(), slipDays }, notified };
  });
  deps.wake();
  return result;
}

/**
 * The PO's variant, whose stock rises, and every variant whose ETA the
 * supplier's new history may move (refreshEtas writes their rows).
 */
async function variantsTouched(tx: Tx, shopId: string, id: number): Promise<string[]> {
  const po = await findPurchaseOrder(tx, shopId, id);
  return [...new Set([po.variantId, ...(await variantsSuppliedBy(tx, shopId, po.supplierId))])];
}
