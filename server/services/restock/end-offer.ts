import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { affected } from '../../../db/raw.ts';
import { messages, offers, variants, type Offer, type OfferStatus, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { allocate } from './allocate.ts';

/**
 * Ends an active offer in exactly one way. The guard on `status = 'active'`
 * makes a race (claim, expiry, order, cancel at the same instant) resolve to
 * whichever transaction commits first; the others see false and do nothing.
 * Messages still queued for the offer are moot and are not sent.
 */
export async function endOffer(tx: Tx, offer: Pick<Offer, 'id'>, status: Exclude<OfferStatus, 'active'>, now: Date): Promise<boolean> {
  const ended = await tx
    .update(offers)
    // An order is what claims a hold (SPEC §4 /claim).
    .set({ status, resolvedAt: now, ...(status === 'purchased' ? { claimedAt: now } : {}) })
    .where(and(eq(offers.id, offer.id), eq(offers.status, 'active')));
  if (affected(ended) === 0) return false;
  await tx
    .update(messages)
    .set({ status: 'suppressed', error: `offer ${status}` })
    .where(and(eq(messages.offerId, offer.id), eq(messages.status, 'queued')));
  return true;
}

/**
 * Units freed by an offer that ended unclaimed go to the next in line; with
 * nobody left they become public. Mode `off` closes the form, not the line.
 * The caller took the variant's lock before ending the offer (expireDue,
 * leaveQueue), so the variant read here is the committed one.
 */
export async function cascade(tx: Tx, deps: Deps, shop: Shop, offer: Pick<Offer, 'variantId' | 'units' | 'restockId'>, now: Date) {
  const [variant] = await tx
    .select()
    .from(variants)
    .where(and(eq(variants.shopId, shop.id), eq(variants.id, offer.variantId)));
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
