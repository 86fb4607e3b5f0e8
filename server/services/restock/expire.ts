import { and, asc, eq, lte } from 'drizzle-orm';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { offers, shops, signups } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { holdsChanged } from '../platform/reservations.ts';
import { cascade, endOffer } from './end-offer.ts';
import { emit } from '../webhooks/outbound.ts';

/**
 * Job `offers.expire`, due when a round of holds ends: every unclaimed hold of
 * the variant that is due ends, and the freed units go to the next in line in
 * one allocation. A hold bought or cancelled first is no longer active and is
 * left alone; a hold is active strictly before `expiresAt`. The variant's
 * lock comes first, so the holds and line read here are the ones the cascade
 * allocates against, and a restock on another replica waits its turn.
 */
export async function expireDue(deps: Deps, shopId: string, variantId: string): Promise<number> {
  const expired = await transaction(deps.db, async (tx) => {
    await twins(tx).locks.lockVariants(tx, shopId, [variantId]);
    const now = deps.clock.now();
    const due = await tx
      .select()
      .from(offers)
      .where(and(eq(offers.shopId, shopId), eq(offers.variantId, variantId), eq(offers.status, 'active'), lte(offers.expiresAt, now)))
      .orderBy(asc(offers.id));
    let freed = 0;
    const [shop] = await tx.select().from(shops).where(eq(shops.id, shopId));
    for (const offer of due) {
      if (!(await endOffer(tx, offer, 'expired', now))) continue;
      freed += offer.units;
      if (shop) await emit(tx, shop, 'offer.expired', { offer: { id: offer.id, signupId: offer.signupId, variantId, units: offer.units, expiresAt: offer.expiresAt.toISOString() } }, now);
      await tx
        .update(signups)
        .set({ status: 'expired', updatedAt: now })
        .where(and(eq(signups.id, offer.signupId), eq(signups.status, 'offered')));
    }
    if (freed === 0 || !shop) return 0;
    await cascade(tx, deps, shop, { variantId, units: freed, restockId: due[0]!.restockId }, now);
    await holdsChanged(tx, shopId, variantId, now);
    return due.length;
  });
  if (expired > 0) deps.wake();
  return expired;
}
