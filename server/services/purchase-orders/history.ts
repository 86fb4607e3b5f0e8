import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { poReceipts, purchaseOrders, suppliers, type EtaBasis, type PurchaseOrder, type Shop } from '../../../db/schema/index.ts';
import { durationMs } from '../../lib/duration.ts';
import { settingsSchema } from '../settings/schema.ts';
import { HISTORY_LIMIT, predictEta, slipRange } from './predict.ts';

const DAY = 86_400_000;

/**
 * The shop's ETA rules in days. Shops created before these settings existed
 * have no value stored; the schema's default stands in.
 */
export function etaRules(shop: Shop) {
  const shape = settingsSchema.shape;
  return {
    handlingDays: durationMs(shape.etaHandlingBuffer.parse(shop.settings.etaHandlingBuffer)) / DAY,
    thresholdDays: durationMs(shape.etaShiftThreshold.parse(shop.settings.etaShiftThreshold)) / DAY,
  };
}

/** A supplier's slips, oldest first (the most recent HISTORY_LIMIT). */
export async function supplierSlips(db: DbOrTx, shopId: string, supplierId: number): Promise<number[]> {
  const rows = await db
    .select({ slip: poReceipts.slipDays })
    .from(poReceipts)
    .where(and(eq(poReceipts.shopId, shopId), eq(poReceipts.supplierId, supplierId)))
    .orderBy(desc(poReceipts.receivedAt), desc(poReceipts.id))
    .limit(HISTORY_LIMIT);
  return rows.map((r) => r.slip).reverse();
}

/** The earliest open PO of each variant: the shipment its ETA comes from (ties: the older PO). */
export async function governingPurchaseOrders(db: DbOrTx, shopId: string, variantIds: string[]): Promise<Map<string, PurchaseOrder>> {
  const out = new Map<string, PurchaseOrder>();
  if (variantIds.length === 0) return out;
  const open = await db
    .select()
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.shopId, shopId), inArray(purchaseOrders.variantId, variantIds), eq(purchaseOrders.status, 'open')))
    .orderBy(asc(purchaseOrders.quotedArrival), asc(purchaseOrders.id));
  for (const po of open) if (!out.has(po.variantId)) out.set(po.variantId, po);
  return out;
}

/** The predicted range for one open PO, with the basis the variant keeps for its explanation. */
export async function predictFor(db: DbOrTx, shop: Shop, po: PurchaseOrder, today: string): Promise<{ eta: { earliest: string; latest: string }; basis: EtaBasis }> {
  const supplier = (await db.select().from(suppliers).where(eq(suppliers.id, po.supplierId)))[0]!;
  const slip = slipRange(await supplierSlips(db, shop.id, po.supplierId));
  const { handlingDays } = etaRules(shop);
  return {
    eta: predictEta(po.quotedArrival, slip, handlingDays, today),
    basis: {
      purchaseOrderId: po.id,
      supplierId: supplier.id,
      supplier: supplier.name,
      quotedArrival: po.quotedArrival,
      slipLow: slip.low,
      slipHigh: slip.high,
      handlingDays,
      from: slip.from,
      receipts: slip.receipts,
    },
  };
}
