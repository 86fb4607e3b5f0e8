import { eq, and, isNull } from 'drizzle-orm';
import { transaction } from '../../../db/transaction.ts';
import { offers, type Shop, type Variant, type Offer } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { shopConnection } from '../connections/store.ts';
import { holdsChanged, syncReservations } from '../platform/reservations.ts';
import { NotFound } from '../../lib/errors.ts';
import { createSignup } from '../signups/create.ts';
import { offerContext, type OfferContext } from './offer-context.ts';

export type ClaimOutcome =
  | { kind: 'checkout'; url: string; context: OfferContext }
  | { kind: 'active'; context: OfferContext }
  | { kind: 'ended'; context: OfferContext };

/**
 * `GET /claim/:token`. Mail scanners fetch every link, so this records a click
 * on the offer and nothing more: a hold is claimed by an order, never by a
 * GET. The click's time also opens the holder's checkout window, which on a
 * connected store lifts the platform's reservation of their units for
 * `cartWindowMs`; a scanner's click only lifts it for that long. The click is
 * the offer's, not a message's, so it does not stand in for the follow-up's
 * "opened or clicked the message". A hold is active strictly
 * before `expiresAt`: at that instant the expiry job and a claim agree it has
 * ended, so a race has one outcome.
 */
export async function claimOffer(deps: Deps, tokenValue: string): Promise<ClaimOutcome> {
  const outcome = await transaction(deps.db, async (tx): Promise<ClaimOutcome> => {
    const context = await offerContext(tx, { token: tokenValue });
    if (!context) throw NotFound('Offer');
    const now = deps.clock.now();
    const { offer, shop, variant } = context;
    if (offer.status !== 'active' || now >= offer.expiresAt) return { kind: 'ended', context };
    await tx.update(offers).set({ clickedAt: now }).where(and(eq(offers.id, offer.id), isNull(offers.clickedAt)));
    await tx.update(offers).set({ openedAt: now }).where(and(eq(offers.id, offer.id), isNull(offers.openedAt)));
    // The holder heads for the checkout: on a connected store their units go back on sale to them
    // for a while (platform/reservations.ts), and are reserved again after it unless an order came.
    const cartUntil = new Date(Math.min(now.getTime() + deps.config.cartWindowMs, offer.expiresAt.getTime()));
    await tx.update(offers).set({ cartUntil }).where(eq(offers.id, offer.id));
    await holdsChanged(tx, shop.id, variant.id, now);
    if (cartUntil < offer.expiresAt) await holdsChanged(tx, shop.id, variant.id, now, cartUntil);
    const url = checkoutUrl(shop, variant, offer);
    return url ? { kind: 'checkout', url, context } : { kind: 'active', context };
  });
  if (outcome.kind === 'checkout') await handToCart(deps, outcome.context);
  return outcome;
}

/** How long the claim waits for the store to put the holder's units back on sale before sending them on anyway. */
const HAND_TO_CART_MS = 3000;

/**
 * The cart the holder is sent to must be able to take the unit: on a connected
 * store it is given back to `available` now, before the redirect, not on the
 * job's next turn. A store slower than HAND_TO_CART_MS (or failing) leaves it
 * to the job scheduled in the transaction, which retries.
 */
async function handToCart(deps: Deps, { offer }: OfferContext): Promise<void> {
  if (!(await shopConnection(deps.db, offer.shopId))) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, HAND_TO_CART_MS)));
  const moved = syncReservations(deps, offer.shopId, offer.variantId).catch((error) =>
    deps.log('claim: the store did not take back the reservation yet', { shop: offer.shopId, variant: offer.variantId, error: error instanceof Error ? error.message : String(error) }),
  );
  await Promise.race([moved, late]);
  clearTimeout(timer);
}

/**
 * Shopify: a cart permalink carrying the hold as a cart attribute, which comes
 * back on the order as the note attribute `waitline_hold`. Elsewhere: the
 * product page with `?waitline_hold=`.
 */
export function checkoutUrl(shop: Shop, variant: Variant, offer: Pick<Offer, 'token' | 'units'>): string | null {
  const domain = shop.settings.shopify?.domain;
  if (domain) {
    const numericId = variant.id.match(/(\d+)$/)?.[1];
    if (numericId) {
      return `https://${domain}/cart/${numericId}:${offer.units}?attributes[waitline_hold]=${encodeURIComponent(offer.token)}`;
    }
  }
  if (!variant.url) return null;
  const url = new URL(variant.url);
  url.searchParams.set('waitline_hold', offer.token);
  return url.toString();
}

/** From the page of an ended hold: the same contact joins the same line again, at the back. */
export async function rejoinAfterOffer(deps: Deps, tokenValue: string) {
  const context = await offerContext(deps.db, { token: tokenValue });
  if (!context) throw NotFound('Offer');
  const { offer, contact, shop, variant } = context;
  if (offer.status === 'active' && deps.clock.now() < offer.expiresAt) return { context, result: null };
  const result = await createSignup(deps, shop, {
    variantId: variant.id,
    email: contact.email ?? undefined,
    phone: contact.phone ?? undefined,
    smsConsent: Boolean(contact.smsConsentAt),
    quantity: offer.units,
    locale: contact.locale,
  });
  return { context, result };
}
