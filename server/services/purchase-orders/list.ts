import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { purchaseOrders, suppliers, type PurchaseOrderStatus } from '../../../db/schema/index.ts';
import { presentPurchaseOrder } from './present.ts';

export interface PurchaseOrderQuery {
  status?: PurchaseOrderStatus;
  variantId?: string;
  supplierId?: number;
  cursor?: number;
  limit: number;
}

/** The shop's POs, oldest first; `nextCursor` is the last id on the page. */
export async function listPurchaseOrders(db: DbOrTx, shopId: string, q: PurchaseOrderQuery) {
  const where: SQL[] = [eq(purchaseOrders.shopId, shopId)];
  if (q.status) where.push(eq(purchaseOrders.status, q.status));
  if (q.variantId) where.push(eq(purchaseOrders.variantId, q.variantId));
  if (q.supplierId !== undefined) where.push(eq(purchaseOrders.supplierId, q.supplierId));
  if (q.cursor !== undefined) where.push(gt(purchaseOrders.id, q.cursor));
  const rows = await db
    .select({ po: purchaseOrders, supplier: suppliers.name })
    .from(purchaseOrders)
    .innerJoin(suppliers, eq(suppliers.id, purchaseOrders.supplierId))
    .where(and(...where))
    .orderBy(asc(purchaseOrders.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    purchaseOrders: page.map((r) => presentPurchaseOrder(r.po, r.supplier)),
    nextCursor: rows.length > q.limit ? (page.at(-1)?.po.id ?? null) : null,
  };
}
