import { eq, inArray } from 'drizzle-orm';
import { schedulePeriodic } from '../../jobs/queue.ts';
import { purchaseOrders, shops } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { REASONS, refreshEtas } from './refresh.ts';

/**
 * Job `purchase-orders.late`: a shipment that does not come moves its own ETA.
 * Each pass re-predicts every variant whose ETA comes from an open PO, as of
 * today: inside the arrival window the range narrows, past it the range
 * starts from today (server/services/purchase-orders/predict.ts). Customers
 * hear of it once the range has moved by more than `etaShiftThreshold`, so a
 * late shipment brings an honest update every few days, not silence and not
 * a message a day. Returns how many customers were told.
 */
export async function refreshLateEtas(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const open = await deps.db
    .selectDistinct({ shopId: purchaseOrders.shopId, variantId: purchaseOrders.variantId })
    .from(purchaseOrders)
    .where(eq(purchaseOrders.status, 'open'))
    // Each shop's variants in one order on both engines (DISTINCT leaves it to the plan).
    .orderBy(purchaseOrders.shopId, purchaseOrders.variantId);
  const byShop = new Map<string, string[]>();
  for (const { shopId, variantId } of open) {
    const ids = byShop.get(shopId);
    if (ids) ids.push(variantId);
    else byShop.set(shopId, [variantId]);
  }
  let notified = 0;
  const list = byShop.size ? await deps.db.select().from(shops).where(inArray(shops.id, [...byShop.keys()])).orderBy(shops.id) : [];
  for (const shop of list) {
    notified += await transaction(deps.db, (tx) => refreshEtas(tx, deps, shop, byShop.get(shop.id)!, REASONS.late, now));
  }
  if (notified > 0) deps.wake();
  return notified;
}

/** Keeps one pass scheduled per interval (`WAITLINE_ETA_REFRESH_MS`); the job schedules the next. */
export const scheduleLateEtaCheck = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) =>
  schedulePeriodic(deps, 'purchase-orders.late', deps.config.etaRefreshMs, after);
