import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { poReceipts, suppliers } from '../../../db/schema/index.ts';
import { listPurchaseOrders } from './list.ts';
import { slipRange } from './predict.ts';
import { supplierSlips } from './history.ts';

const median = (sorted: number[]) => {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * `GET /v1/admin/suppliers`: each supplier's record over all its deliveries
 * (on-time rate: arrived on or before the quoted date; median slip), the slip
 * range ETAs use now (recent history, blended with the prior when thin), and
 * its open POs.
 */
export async function listSuppliers(db: DbOrTx, shopId: string, q: { cursor?: number; limit: number }) {
  const where: SQL[] = [eq(suppliers.shopId, shopId)];
  if (q.cursor !== undefined) where.push(gt(suppliers.id, q.cursor));
  const rows = await db.select().from(suppliers).where(and(...where)).orderBy(asc(suppliers.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const list = [];
  for (const s of page) {
    const all = (await db.select({ slip: poReceipts.slipDays }).from(poReceipts).where(and(eq(poReceipts.shopId, shopId), eq(poReceipts.supplierId, s.id))))
      .map((r) => r.slip)
      .sort((a, b) => a - b);
    const range = slipRange(await supplierSlips(db, shopId, s.id));
    list.push({
      id: s.id,
      name: s.name,
      receipts: all.length,
      onTimeRate: all.length ? all.filter((d) => d <= 0).length / all.length : null,
      medianSlipDays: all.length ? median(all) : null,
      slipRange: { low: range.low, high: range.high, basedOn: range.from },
      openPurchaseOrders: (await listPurchaseOrders(db, shopId, { supplierId: s.id, status: 'open', limit: 500 })).purchaseOrders,
      createdAt: s.createdAt.toISOString(),
    });
  }
  return { suppliers: list, nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null };
}
