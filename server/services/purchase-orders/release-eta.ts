import { and, eq } from 'drizzle-orm';
import { variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { presentEta } from '../variants/upsert.ts';
import { findVariant } from './find.ts';
import { governingPurchaseOrders } from './history.ts';
import { presentEtaSource } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

/**
 * `DELETE /v1/admin/variants/:id/eta`: the merchant hands the ETA back to the
 * purchase orders. The predicted range replaces theirs at once (customers are
 * told if it differs). Without an open PO there is nothing to hand it to, so
 * this is refused rather than leaving customers with no date.
 */
export async function releaseEta(deps: Deps, shop: Shop, variantId: string) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    await findVariant(tx, shop.id, variantId);
    if (!(await governingPurchaseOrders(tx, shop.id, [variantId])).has(variantId)) {
      throw Conflict('This variant has no open purchase order to take its ETA from; set the ETA with POST /v1/admin/variants/:id/eta instead');
    }
    const where = and(eq(variants.shopId, shop.id), eq(variants.id, variantId));
    await tx.update(variants).set({ etaSource: 'purchase-order', etaBasis: null }).where(where);
    const notified = await refreshEtas(tx, deps, shop, [variantId], REASONS.released, now);
    const variant = (await tx.select().from(variants).where(where))[0]!;
    return { notified, eta: presentEta(variant), etaSource: presentEtaSource(variant) };
  });
  deps.wake();
  return result;
}
