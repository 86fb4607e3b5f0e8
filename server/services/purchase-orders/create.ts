import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { purchaseOrders, suppliers, type PurchaseOrder, type Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { findVariant, requireNotPast } from './find.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

export interface PurchaseOrderInput {
  supplier: string;
  variantId: string;
  quantity: number;
  quotedArrival: string;
}

/** `POST /v1/admin/purchase-orders`: the variant's ETA follows if this is now its earliest open PO. */
export async function createPurchaseOrder(deps: Deps, shop: Shop, input: PurchaseOrderInput) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    await findVariant(tx, shop.id, input.variantId);
    requireNotPast(input.quotedArrival, now);
    const { po, supplier } = await insertPurchaseOrder(tx, shop, input, now);
    const notified = await refreshEtas(tx, deps, shop, [po.variantId], REASONS.created, now);
    return { purchaseOrder: presentPurchaseOrder(po, supplier), notified };
  });
  deps.wake();
  return result;
}

/**
 * Inserts one checked PO, creating its supplier by name on first sight (names
 * match ignoring ASCII case: db/sql/<engine>/suppliers.ts). The caller
 * refreshes ETAs once per batch.
 */
export async function insertPurchaseOrder(tx: Tx, shop: Shop, input: PurchaseOrderInput, now: Date): Promise<{ po: PurchaseOrder; supplier: string }> {
  await tx.insert(suppliers).values({ shopId: shop.id, name: input.supplier, createdAt: now }).onConflictDoNothing();
  const [supplier] = await tx
    .select()
    .from(suppliers)
    .where(and(eq(suppliers.shopId, shop.id), twins(tx).suppliers.supplierNamed(input.supplier)))
    .limit(1);
  const [po] = await tx
    .insert(purchaseOrders)
    .values({ shopId: shop.id, supplierId: supplier!.id, variantId: input.variantId, quantity: input.quantity, quotedArrival: input.quotedArrival, createdAt: now, updatedAt: now })
    .returning();
  return { po: po!, supplier: supplier!.name };
}
