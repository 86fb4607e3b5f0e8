import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { purchaseOrders, suppliers, type PurchaseOrder, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { findVariant, requireNotPast } from './find.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';
import { supplierNamed } from '../../../db/sql/sqlite/suppliers.ts';

export interface PurchaseOrderInput {
  supplier: string;
  variantId: string;
  quantity: number;
  quotedArrival: string;
}

/** `POST /v1/admin/purchase-orders`: the variant's ETA follows if this is now its earliest open PO. */
export function createPurchaseOrder(deps: Deps, shop: Shop, input: PurchaseOrderInput) {
  const result = deps.db.transaction((tx) => {
    const now = deps.clock.now();
    findVariant(tx, shop.id, input.variantId);
    requireNotPast(input.quotedArrival, now);
    const { po, supplier } = insertPurchaseOrder(tx, shop, input, now);
    const notified = refreshEtas(tx, deps, shop, [po.variantId], REASONS.created, now);
    return { purchaseOrder: presentPurchaseOrder(po, supplier), notified };
  });
  deps.wake();
  return result;
}

/** Inserts one checked PO, creating its supplier by name on first sight. The caller refreshes ETAs once per batch. */
export function insertPurchaseOrder(tx: Tx, shop: Shop, input: PurchaseOrderInput, now: Date): { po: PurchaseOrder; supplier: string } {
  tx.insert(suppliers).values({ shopId: shop.id, name: input.supplier, createdAt: now }).onConflictDoNothing().run();
  const supplier = tx.select().from(suppliers).where(and(eq(suppliers.shopId, shop.id), supplierNamed(input.supplier))).get()!;
  const po = tx
    .insert(purchaseOrders)
    .values({ shopId: shop.id, supplierId: supplier.id, variantId: input.variantId, quantity: input.quantity, quotedArrival: input.quotedArrival, createdAt: now, updatedAt: now })
    .returning()
    .get();
  return { po, supplier: supplier.name };
}
