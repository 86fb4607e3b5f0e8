import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../../db/index.ts';
import { poReceipts, purchaseOrders, type PurchaseOrder, type Shop } from '../../../db/schema/index.ts';
import { isoDate } from '../../lib/fields.ts';
import { insertPurchaseOrder, type PurchaseOrderInput } from './create.ts';
import { daysBetween } from './predict.ts';

/** A historical row's delivery: when it came and how many units. */
export interface Receipt {
  receivedAt: Date;
  quantity: number;
}

const receivedAt = z
  .union([isoDate, z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO 8601 timestamp' })
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));
const receivedQuantity = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1');

export type ReceiptCheck = { ok: true; receipt: Receipt | null } | { ok: false; field: string; message: string };

/**
 * The history half of an import row: null for an open PO (no `received_at`),
 * else its delivery, or the first thing wrong with it. History is in the
 * past: the delivery not after now and the quote not after today (a quote of
 * today, delivered today, is the last possible history row). A delivery more
 * than a calendar year before its quote is a typo in one date or the other,
 * not a supplier that early, and it would skew every prediction.
 */
export function receiptOf(record: Record<string, string>, po: PurchaseOrderInput, now: Date): ReceiptCheck {
  const today = now.toISOString().slice(0, 10);
  const rawQuantity = record.received_quantity ?? '';
  if (!record.received_at) {
    return rawQuantity ? { ok: false, field: 'received_quantity', message: 'received_quantity needs received_at' } : { ok: true, receipt: null };
  }
  const at = receivedAt.safeParse(record.received_at);
  if (!at.success) return { ok: false, field: 'received_at', message: `received_at ${at.error.issues[0]?.message ?? 'is invalid'}` };
  if (at.data.getTime() > now.getTime()) return { ok: false, field: 'received_at', message: `received_at must not be in the future (today is ${today})` };
  if (po.quotedArrival > today) {
    return { ok: false, field: 'quoted_arrival', message: `quoted_arrival of a received purchase order must not be in the future (today is ${today})` };
  }
  const yearBefore = `${Number(po.quotedArrival.slice(0, 4)) - 1}${po.quotedArrival.slice(4)}`;
  if (at.data.toISOString().slice(0, 10) < yearBefore) {
    return { ok: false, field: 'received_at', message: `received_at must not be more than a year before quoted_arrival (${po.quotedArrival})` };
  }
  let quantity = po.quantity;
  if (rawQuantity) {
    const parsed = receivedQuantity.safeParse(rawQuantity);
    if (!parsed.success) return { ok: false, field: 'received_quantity', message: `received_quantity ${parsed.error.issues[0]?.message ?? 'is invalid'}` };
    if (parsed.data > po.quantity) return { ok: false, field: 'received_quantity', message: `received_quantity must be at most quantity (${po.quantity})` };
    quantity = parsed.data;
  }
  return { ok: true, receipt: { receivedAt: at.data, quantity } };
}

/**
 * One historical row: a PO closed when its units came (closedAt is the
 * delivery, so the PO reads as it happened; createdAt is when Waitline
 * learned of it), with its receipt in the supplier's record. The units
 * arrived long ago, so the stock and the backorders are left alone.
 */
export async function recordHistory(tx: Tx, shop: Shop, input: PurchaseOrderInput, receipt: Receipt, now: Date): Promise<{ po: PurchaseOrder; supplier: string }> {
  const { po, supplier } = await insertPurchaseOrder(tx, shop, input, now);
  const [closed] = await tx
    .update(purchaseOrders)
    .set({ status: 'received', receivedQuantity: receipt.quantity, closedAt: receipt.receivedAt, updatedAt: now })
    .where(and(eq(purchaseOrders.shopId, shop.id), eq(purchaseOrders.id, po.id)))
    .returning();
  const slipDays = daysBetween(po.quotedArrival, receipt.receivedAt.toISOString().slice(0, 10));
  await tx
    .insert(poReceipts)
    .values({ shopId: shop.id, supplierId: po.supplierId, purchaseOrderId: po.id, variantId: po.variantId, quantity: receipt.quantity, quotedArrival: po.quotedArrival, receivedAt: receipt.receivedAt, slipDays, createdAt: now });
  return { po: closed!, supplier };
}

/**
 * Every variant with an open PO in the shop: a superset of those whose range
 * the history can move (its suppliers' open POs). Their locks must be taken
 * before anything is written, while the file's suppliers are still names;
 * re-predicting the others finds no change, so they are not told.
 */
export async function variantsOnOrder(tx: Tx, shopId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: purchaseOrders.variantId })
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.shopId, shopId), eq(purchaseOrders.status, 'open')));
  return rows.map((r) => r.id);
}
