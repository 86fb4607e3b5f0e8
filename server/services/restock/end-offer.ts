import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { messages, offers, variants, type Offer, type OfferStatus, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { allocate } from './allocate.ts';

/**
 * Ends an active offer in exactly one way. The guard on `status = 'active'`
 * makes a race (claim, expiry, order, cancel at the same instant) resolve to
 * whichever transaction commits first; the others see false and do nothing.
 * Messages still queued for the offer are moot and are not sent.
 */
export function endOffer(tx: Tx, offer: Pick<Offer, 'id'>, status: Exclude<OfferStatus, 'active'>, now: Date): boolean {
  const { changes } = tx
    .update(offers)
    // An order is what claims a hold (SPEC §4 /claim).
    .set({ status, resolvedAt: now, ...(status === 'purchased' ? { claimedAt: now } : {}) })
    .where(and(eq(offers.id, offer.id), eq(offers.status, 'active')))
    .run();
  if (changes === 0) return false;
  tx.update(messages)
    .set({ status: 'suppressed', error: `offer ${status}` })
    .where(and(eq(messages.offerId, offer.id), eq(messages.status, 'queued')))
    .run();
  return true;
}

/**
 * Units freed by an offer that ended unclaimed go to the next in line; with
 * nobody left they become public. Mode `off` closes the form, not the line.
 */
export function cascade(tx: Tx, deps: Deps, shop: Shop, offer: Pick<Offer, 'variantId' | 'units' | 'restockId'>, now: Date) {
  const variant = tx
    .select()
    .from(variants)
    .where(and(eq(variants.shopId, shop.id), eq(variants.id, offer.variantId)))
    .get();
  if (!variant) return { offered: 0, unitsHeld: 0 };
  return allocate(tx, deps, {
    shop,
    variant,
    units: offer.units,
    cause: 'cascade',
    restockId: offer.restockId,
    restockUnits: offer.units,
    now,
  });
}
