import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import {
  backorders,
  contacts,
  conversions,
  messages,
  offers,
  orders,
  platformOrderLines,
  signups,
  variants,
  type Attribution,
  type Contact,
  type Offer,
  type OrderLine,
  type Shop,
} from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { holdsChanged } from '../platform/reservations.ts';
import { durationMs } from '../../lib/duration.ts';
import { Invalid } from '../../lib/errors.ts';
import { upsertContact } from '../contacts/upsert.ts';
import { endOffer } from '../restock/end-offer.ts';
import { offerContext } from '../restock/offer-context.ts';
import { applyInventory } from '../restock/inventory.ts';
import { emit } from '../webhooks/outbound.ts';
import { recordBackorders, type OwedLine } from '../backorders/record.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { hasPlatformLevel, settlePlatformVariant } from '../platform/settle.ts';

export interface OrderInput {
  id: string;
  /** The order number customers know (`#1042`); the id when not given. */
  name?: string;
  email?: string;
  phone?: string;
  ordersCount?: number;
  currency: string;
  /** Minor units. */
  total: number;
  lineItems: Array<{ variantId: string; quantity: number; price: number }>;
  /** The `waitline_hold` token the claim link put on the cart. */
  holdToken?: string;
  /** When the connected platform placed it: its level counts the order from then on (platform/settle.ts). */
  placedAt?: Date;
}

export interface IngestedOrder {
  order: { id: string; name: string; lines: OrderLine[] };
  conversions: Array<{ signupId: number; attribution: Attribution; revenue: number; currency: string }>;
  /** Lines owed to the customer, acknowledged and queued in order-time FIFO. */
  backorders: Array<{ id: number; variantId: string; quantity: number }>;
  /** False when this order id was seen before: nothing was done twice. */
  created: boolean;
}

/**
 * An order (`POST /v1/admin/orders`, later Shopify `orders/create`), by the
 * inventory arithmetic of SPEC §2: a line with an active hold consumes it, any
 * other takes what fulfillable units there are, the shortfall becomes backorder
 * lines (acknowledged at once), and inventory drops by the full quantity, so it
 * is below zero exactly by what is owed. A purchase by someone who was offered
 * the variant within the attribution window is a conversion.
 *
 * Its variants' rows are locked first, before the order id is looked up: the
 * same order delivered to two replicas at once then runs once and is seen by
 * the second, and every stock and hold figure below is read after whatever
 * another replica committed to them.
 */
export async function ingestOrder(deps: Deps, shop: Shop, input: OrderInput): Promise<IngestedOrder> {
  const result = await transaction(deps.db, async (tx): Promise<IngestedOrder> => {
    await twins(tx).locks.lockVariants(tx, shop.id, input.lineItems.map((item) => item.variantId));
    const [seen] = await tx.select().from(orders).where(and(eq(orders.shopId, shop.id), eq(orders.id, input.id)));
    if (seen) {
      const credited = await tx.select().from(conversions).where(and(eq(conversions.shopId, shop.id), eq(conversions.orderId, input.id))).orderBy(asc(conversions.id));
      const owedLines = await tx.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.orderId, input.id))).orderBy(asc(backorders.id));
      return {
        order: { id: seen.id, name: seen.name, lines: seen.lines },
        conversions: credited.map(present),
        backorders: owedLines.map((b) => ({ id: b.id, variantId: b.variantId, quantity: b.quantity })),
        created: false,
      };
    }
    const now = deps.clock.now();
    for (const [i, item] of input.lineItems.entries()) {
      const [known] = await tx.select({ id: variants.id }).from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, item.variantId)));
      if (!known) throw Invalid(`lineItems.${i}.variantId: unknown variant ${item.variantId}; PUT it first`, `lineItems.${i}.variantId`);
    }
    const found = input.email || input.phone ? (await upsertContact(tx, shop.id, { email: input.email, phone: input.phone }, now)).contact : null;
    const contact = found ? await countOrder(tx, found.id, input.ordersCount ?? 0) : null;
    const held = input.holdToken ? await offerContext(tx, { token: input.holdToken }) : null;
    const heldOffer = held && held.shop.id === shop.id ? held.offer : null;

    const lines: OrderLine[] = [];
    const owed: OwedLine[] = [];
    const onPlatform = new Set<string>();
    const credited: IngestedOrder['conversions'] = [];
    for (const item of input.lineItems) {
      const line: OrderLine = { ...item, fromHold: 0, fromStock: 0, backordered: 0 };
      lines.push(line);
      const variant = (await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, item.variantId))))[0]!;
      const credit = contact ? await creditSignup(tx, shop, contact, item.variantId, heldOffer, now) : null;
      if (credit?.offer?.status === 'active' && now < credit.offer.expiresAt && (await endOffer(tx, credit.offer, 'purchased', now))) {
        line.fromHold = Math.min(credit.offer.units, item.quantity);
        await holdsChanged(tx, shop.id, variant.id, now);
      }
      // Fulfillable units are the ones on hand: the platform ships from them whatever we hold,
      // so a sale into held units withdraws holds (below) rather than owing the buyer.
      const rest = item.quantity - line.fromHold;
      if (variant.uncounted) {
        // The store sells it without counting: nobody's stock to take from, nothing owed.
        line.fromStock = rest;
      } else if (input.placedAt && (await hasPlatformLevel(tx, shop.id, variant.id))) {
        // The platform's level is the truth and already counts this order: its shortfall is
        // judged against that level once known (settle below), never against our own count.
        line.fromStock = rest;
        onPlatform.add(variant.id);
        await tx
          .insert(platformOrderLines)
          .values({ shopId: shop.id, orderId: input.id, variantId: variant.id, quantity: item.quantity, price: item.price, placedAt: input.placedAt, receivedAt: now });
      } else {
        line.fromStock = Math.min(rest, Math.max(0, Math.max(0, variant.inventory) - line.fromHold));
        line.backordered = rest - line.fromStock;
        if (line.backordered > 0) owed.push({ variant, quantity: line.backordered, price: item.price });
        // The same arithmetic as any fall: holds above what is left are withdrawn, newest first.
        await applyInventory(tx, deps, shop, variant, variant.inventory - item.quantity);
      }
      if (credit) {
        await tx.update(signups).set({ status: 'purchased', updatedAt: now }).where(eq(signups.id, credit.signupId));
        await emit(tx, shop, 'signup.purchased', {
          signup: { id: credit.signupId, variantId: item.variantId },
          order: { id: input.id, currency: input.currency, quantity: item.quantity, price: item.price },
          attribution: credit.attribution,
        }, now);
        if (credit.attribution) {
          const revenue = item.price * item.quantity;
          const [inserted] = await tx
            .insert(conversions)
            .values({
              shopId: shop.id,
              signupId: credit.signupId,
              offerId: credit.offer?.id ?? null,
              orderId: input.id,
              variantId: item.variantId,
              attribution: credit.attribution,
              revenue,
              currency: input.currency,
              createdAt: now,
            })
            .onConflictDoNothing()
            .returning();
          if (inserted) credited.push(present(inserted));
        }
      }
    }
    const [order] = await tx
      .insert(orders)
      .values({ shopId: shop.id, id: input.id, name: input.name ?? input.id, contactId: contact?.id ?? null, currency: input.currency, total: input.total, lines, createdAt: now })
      .returning();
    const backordered = contact && owed.length > 0 ? await recordBackorders(tx, deps, { shop, contact, order: order!, lines: owed, now }) : [];
    for (const variantId of onPlatform) await settlePlatformVariant(tx, deps, shop, variantId);
    if (onPlatform.size > 0) {
      const judged = await tx.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.orderId, input.id))).orderBy(asc(backorders.id));
      backordered.push(...judged.map((b) => ({ id: b.id, variantId: b.variantId, quantity: b.quantity })));
      await enqueueJobs(tx, [...onPlatform].map((variantId) => ({ kind: 'platform.settle', key: `settle:${shop.id}:${variantId}:${input.id}`, runAt: new Date(now.getTime() + deps.config.settleMs), payload: { shopId: shop.id, variantId } })), now);
    }
    return { order: { id: order!.id, name: order!.name, lines }, conversions: credited, backorders: backordered, created: true };
  });
  if (result.created) deps.wake();
  return result;
}

/**
 * One more order for the contact, counted in the statement: another order of
 * theirs on another variant holds other locks, so a count read earlier could
 * be stale. The platform's own count wins when it is higher.
 */
async function countOrder(tx: Tx, contactId: number, platformCount: number): Promise<Contact | null> {
  const next = sql`${contacts.ordersCount} + 1`;
  const [counted] = await tx
    .update(contacts)
    .set({ ordersCount: sql`case when ${next} > ${platformCount} then ${next} else ${platformCount} end` })
    .where(eq(contacts.id, contactId))
    .returning();
  return counted ?? null;
}

const present = (c: { signupId: number; attribution: Attribution; revenue: number; currency: string }) => ({
  signupId: c.signupId,
  attribution: c.attribution,
  revenue: c.revenue,
  currency: c.currency,
});

/**
 * Which of the contact's places this purchase settles, and how it is credited:
 * `direct` with the hold token or after a click (a message's, or the claim link's), `assisted`
 * when the offer came within the attribution window. A waiting place is settled
 * (the shopper bought) but not credited: nothing we sent was an offer.
 */
async function creditSignup(tx: Tx, shop: Shop, contact: Contact, variantId: string, heldOffer: Offer | null, now: Date) {
  const [signup] = await tx
    .select()
    .from(signups)
    .where(
      and(
        eq(signups.shopId, shop.id),
        eq(signups.contactId, contact.id),
        eq(signups.variantId, variantId),
        inArray(signups.status, ['waiting', 'offered', 'expired']),
      ),
    )
    .orderBy(desc(signups.seq))
    .limit(1);
  const viaToken = heldOffer && heldOffer.variantId === variantId ? heldOffer : null;
  const signupId = viaToken?.signupId ?? signup?.id;
  if (signupId === undefined) return null;
  const offer = viaToken ?? (await tx.select().from(offers).where(eq(offers.signupId, signupId)).orderBy(desc(offers.id)).limit(1))[0] ?? null;
  if (!offer) return { signupId, offer: null, attribution: null };
  const windowStart = now.getTime() - durationMs(shop.settings.attributionWindow);
  if (!viaToken && offer.createdAt.getTime() < windowStart) return { signupId, offer, attribution: null };
  const clicked =
    Boolean(viaToken) ||
    Boolean(offer.clickedAt) ||
    (await tx.select({ id: messages.id }).from(messages).where(and(eq(messages.offerId, offer.id), isNotNull(messages.clickedAt))).limit(1)).length > 0;
  return { signupId, offer, attribution: (clicked ? 'direct' : 'assisted') as Attribution };
}
