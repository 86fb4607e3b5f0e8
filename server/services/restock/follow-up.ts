import { and, eq, isNotNull, or } from 'drizzle-orm';
import { messages } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName } from '../variants/upsert.ts';
import { offerContext } from './offer-context.ts';

/**
 * Job `offer.followup`, due `followUpAfter` after the offer: if nobody opened or
 * clicked the offer, one reminder with a different subject and the time left.
 * Quiet hours defer it; the key makes it one reminder per offer, ever.
 */
export function followUpOffer(deps: Deps, offerId: number): void {
  const sent = deps.db.transaction((tx) => {
    const found = offerContext(tx, { id: offerId });
    const now = deps.clock.now();
    if (!found || found.offer.status !== 'active' || now >= found.offer.expiresAt || found.offer.claimedAt) return false;
    const engaged = tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.offerId, offerId), or(isNotNull(messages.openedAt), isNotNull(messages.clickedAt))))
      .get();
    if (engaged) return false;
    const { offer, signup, variant, shop, contact } = found;
    const { publicUrl } = deps.config;
    const common = { shop, contact, signupId: signup.id, offerId, key: `offer:${offerId}:followup`, respectQuietHours: true };
    const claimUrl = `${publicUrl}/claim/${offer.token}`;
    const item = itemName(variant);
    const batch = MessageBatch.for(deps, now);
    const emailed = batch.email({
      ...common,
      track: true,
      template: 'offer-followup',
      props: {
        item,
        quantity: offer.units,
        expiresAt: offer.expiresAt,
        remainingMs: offer.expiresAt.getTime() - now.getTime(),
        claimUrl,
        leaveUrl: `${publicUrl}/u/${contact.token}?s=${signup.token}`,
      },
    });
    if (!emailed) batch.sms({ ...common, template: 'offer-followup', props: { item, expiresAt: offer.expiresAt, claimUrl } });
    const written = batch.size > 0;
    batch.flush(tx);
    return written;
  });
  if (sent) deps.wake();
}
