import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { purchaseOrders, suppliers, variants, type PurchaseOrder, type Variant } from '../../../db/schema/index.ts';
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts';

/** The shop's PO; another shop's is simply not found. */
export async function findPurchaseOrder(db: DbOrTx, shopId: string, id: number): Promise<PurchaseOrder> {
  const [po] = await db.select().from(purchaseOrders).where(and(eq(purchaseOrders.shopId, shopId), eq(purchaseOrders.id, id)));
  if (!po) throw NotFound('Purchase order');
  return po;
}

export function requireOpen(po: PurchaseOrder): void {
  if (po.status !== 'open') throw Conflict(`Purchase order ${po.id} is closed (${po.status}); only an open one can change`);
}

export async function findVariant(db: DbOrTx, shopId: string, id: string): Promise<Variant> {
  const [variant] = await db.select().from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, id)));
  if (!variant) throw NotFound('Variant');
  return variant;
}

/** A quoted date is a promise about the future; today counts. */
export function requireNotPast(date: string, now: Date, field = 'quotedArrival'): void {
  const today = now.toISOString().slice(0, 10);
  if (date < today) throw Invalid(`${field} must not be in the past (today is ${today})`, field);
}

export async function supplierName(db: DbOrTx, id: number): Promise<string> {
  const [row] = await db.select({ name: suppliers.name }).from(suppliers).where(eq(suppliers.id, id));
  return row!.name;
}
