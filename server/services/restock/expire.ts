import { and, asc, eq, lte } from 'drizzle-orm';
import { offers, shops, signups } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { cascade, endOffer } from './end-offer.ts';
import { emit } from '../webhooks/outbound.ts';

/**
 * Job `offers.expire`, due when a round of holds ends: every unclaimed hold of
 * the variant that is due ends, and the freed units go to the next in line in
 * one allocation. A hold bought or cancelled first is no longer active and is
 * left alone; a hold is active strictly before `expiresAt`.
 */
export function expireDue(deps: Deps, shopId: string, variantId: string): number {
  const expired = deps.db.transaction((tx) => {
    const now = deps.clock.now();
    const due = tx
      .select()
      .from(offers)
      .where(and(eq(offers.shopId, shopId), eq(offers.variantId, variantId), eq(offers.status, 'active'), lte(offers.expiresAt, now)))
      .orderBy(asc(offers.id))
      .all();
    let freed = 0;
    const shop = tx.select().from(shops).where(eq(shops.id, shopId)).get();
    for (const offer of due) {
      if (!endOffer(tx, offer, 'expired', now)) continue;
      freed += offer.units;
      if (shop) emit(tx, shop, 'offer.expired', { offer: { id: offer.id, signupId: offer.signupId, variantId, units: offer.units, expiresAt: offer.expiresAt.toISOString() } }, now);
      tx.update(signups)
        .set({ status: 'expired', updatedAt: now })
        .where(and(eq(signups.id, offer.signupId), eq(signups.status, 'offered')))
        .run();
    }
    if (freed === 0 || !shop) return 0;
    cascade(tx, deps, shop, { variantId, units: freed, restockId: due[0]!.restockId }, now);
    return due.length;
  });
  if (expired > 0) deps.wake();
  return expired;
}
