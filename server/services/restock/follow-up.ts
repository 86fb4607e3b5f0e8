import { and, asc, eq, isNotNull, isNull, or, inArray } from 'drizzle-orm';
import { transaction } from '../../../db/transaction.ts';
import { messages, offers, shops, signups, variants } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { contactsById } from './allocate.ts';
import { toldOffers } from './announce.ts';

/**
 * Job `offers.followup`, due `followUpAfter` after a round of offers: each hold
 * of the round still active, unclaimed, and neither opened nor clicked gets one
 * reminder with a different subject and the time left. Quiet hours defer it;
 * the key makes it one reminder per offer, ever.
 */
export async function followUpRound(deps: Deps, shopId: string, variantId: string, offeredAt: number): Promise<number> {
  const written = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [shop] = await tx.select().from(shops).where(eq(shops.id, shopId));
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, variantId)));
    if (!shop || !variant) return 0;
    const round = (
      await tx
        .select({ offer: offers, signup: signups })
        .from(offers)
        .innerJoin(signups, eq(signups.id, offers.signupId))
        .where(
          and(
            eq(offers.shopId, shopId),
            eq(offers.variantId, variantId),
            eq(offers.status, 'active'),
            eq(offers.createdAt, new Date(offeredAt)),
            isNull(offers.claimedAt),
          ),
        )
        // Reminders go out in the order the holds were offered, on both engines.
        .orderBy(asc(offers.id))
    ).filter(({ offer }) => now < offer.expiresAt);
    if (round.length === 0) return 0;
    const engaged = new Set(
      (
        await tx
          .select({ offerId: messages.offerId })
          .from(messages)
          .where(and(inArray(messages.offerId, round.map((r) => r.offer.id)), or(isNotNull(messages.openedAt), isNotNull(messages.clickedAt))))
      ).map((m) => m.offerId),
    );
    const people = await contactsById(tx, round.map((r) => r.signup.contactId));
    const batch = MessageBatch.for(tx, now);
    const item = itemName(variant);
    const { publicUrl } = deps.config;
    // A reminder of a hold nobody announced yet (announce.ts) would be the first word of it.
    const told = await toldOffers(tx, round.map((r) => r.offer.id));
    for (const { offer, signup } of round) {
      if (engaged.has(offer.id) || !told.has(offer.id)) continue;
      const contact = people.get(signup.contactId)!;
      const common = { shop, contact, signupId: signup.id, offerId: offer.id, key: `offer:${offer.id}:followup`, respectQuietHours: true };
      const claimUrl = `${publicUrl}/claim/${offer.token}`;
      const expiresAt = offer.expiresAt.toISOString();
      const emailed = batch.email({
        ...common,
        track: true,
        template: 'offer-followup',
        props: {
          item,
          product: productInfo(variant),
          status: { url: `${publicUrl}/s/${signup.token}` },
          kind: signup.kind,
          quantity: offer.units,
          expiresAt,
          remainingMs: offer.expiresAt.getTime() - now.getTime(),
          claimUrl,
          leaveUrl: `${publicUrl}/u/${contact.token}?s=${signup.token}`,
        },
      });
      if (!emailed) batch.sms({ ...common, template: 'offer-followup', props: { item, expiresAt, claimUrl } });
    }
    const size = batch.size;
    await batch.flush();
    return size;
  });
  if (written > 0) deps.wake();
  return written;
}
