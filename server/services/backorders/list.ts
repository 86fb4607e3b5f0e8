import { and, asc, eq, exists, gt, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, escalations, purchaseOrders, variants } from '../../../db/schema/index.ts';
import { presentBackorder } from './view.ts';

export const BACKORDER_FILTERS = ['open', 'allocated', 'shipped', 'cancelled', 'refunded', 'late', 'escalated'] as const;

export interface BackorderListQuery {
  status?: (typeof BACKORDER_FILTERS)[number];
  variantId?: string;
  supplierId?: number;
  cursor?: number;
  limit: number;
}

/**
 * The shop's backorder lines in order-time FIFO (SPEC §4). `late` is an open
 * line past its ETA's latest date; `escalated` one whose order has an open
 * escalation; `supplierId` keeps lines of variants that supplier has purchase orders for.
 */
export async function listBackorders(db: DbOrTx, shopId: string, today: string, q: BackorderListQuery) {
  const where: SQL[] = [eq(backorders.shopId, shopId)];
  const open = eq(backorders.status, 'waiting');
  switch (q.status) {
    case 'open':
      where.push(open);
      break;
    case 'allocated':
    case 'shipped':
      where.push(eq(backorders.status, q.status));
      break;
    case 'cancelled':
      where.push(eq(backorders.status, 'cancelled'), isNull(backorders.refundedAt));
      break;
    case 'refunded':
      where.push(isNotNull(backorders.refundedAt));
      break;
    case 'late':
      where.push(open, lt(variants.etaLatest, today));
      break;
    case 'escalated':
      where.push(
        open,
        exists(
          db
            .select({ one: sql`1` })
            .from(escalations)
            .where(and(eq(escalations.shopId, shopId), eq(escalations.orderId, backorders.orderId), eq(escalations.status, 'open'))),
        ),
      );
      break;
  }
  if (q.variantId) where.push(eq(backorders.variantId, q.variantId));
  if (q.supplierId !== undefined) {
    const supplied = db
      .select({ variantId: purchaseOrders.variantId })
      .from(purchaseOrders)
      .where(and(eq(purchaseOrders.shopId, shopId), eq(purchaseOrders.supplierId, q.supplierId)));
    where.push(inArray(backorders.variantId, supplied));
  }
  if (q.cursor !== undefined) where.push(gt(backorders.id, q.cursor));
  const rows = await db
    .select({ line: backorders, variant: variants })
    .from(backorders)
    .leftJoin(variants, and(eq(variants.shopId, backorders.shopId), eq(variants.id, backorders.variantId)))
    .where(and(...where))
    .orderBy(asc(backorders.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    backorders: await Promise.all(page.map((r) => presentBackorder(db, r.line, r.variant ?? undefined))),
    nextCursor: rows.length > q.limit && last ? String(last.line.id) : null,
  };
}
