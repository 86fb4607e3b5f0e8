import { and, eq } from 'drizzle-orm';
import { signups } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { cascade, endOffer } from './end-offer.ts';
import { offerContext } from './offer-context.ts';

/**
 * Job `offer.expire`, due at `expiresAt`: an unclaimed hold ends and its units
 * go to the next in line. A hold that was bought or cancelled first is left alone.
 */
export function expireOffer(deps: Deps, offerId: number): void {
  const cascaded = deps.db.transaction((tx) => {
    const found = offerContext(tx, { id: offerId });
    const now = deps.clock.now();
    if (!found || found.offer.status !== 'active' || now < found.offer.expiresAt) return false;
    if (!endOffer(tx, found.offer, 'expired', now)) return false;
    tx.update(signups)
      .set({ status: 'expired', updatedAt: now })
      .where(and(eq(signups.id, found.signup.id), eq(signups.status, 'offered')))
      .run();
    cascade(tx, deps, found.shop, found.offer, now);
    return true;
  });
  if (cascaded) deps.wake();
}
