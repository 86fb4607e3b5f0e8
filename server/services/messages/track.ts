import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { messages, offers } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Invalid } from '../../lib/errors.ts';
import { verify } from '../../lib/signing.ts';

/**
 * Records the first open (and, for a click, the first click) of the message
 * `which` selects. A click implies an open (images may be off). The marks are
 * copied onto the message's offer, so the funnel reads offers alone; every
 * path that learns of an open or a click (pixel, link, Resend webhook) comes
 * through here, which keeps the two in step.
 */
export async function recordEngagement(tx: Tx, which: SQL, kind: 'open' | 'click', now: Date): Promise<void> {
  const [message] = await tx.select({ id: messages.id, offerId: messages.offerId }).from(messages).where(which).limit(1);
  if (!message) return;
  if (kind === 'click') {
    await tx.update(messages).set({ clickedAt: now }).where(and(eq(messages.id, message.id), isNull(messages.clickedAt)));
  }
  await tx.update(messages).set({ openedAt: now }).where(and(eq(messages.id, message.id), isNull(messages.openedAt)));
  if (message.offerId === null) return;
  if (kind === 'click') {
    await tx.update(offers).set({ clickedAt: now }).where(and(eq(offers.id, message.offerId), isNull(offers.clickedAt)));
  }
  await tx.update(offers).set({ openedAt: now }).where(and(eq(offers.id, message.offerId), isNull(offers.openedAt)));
}

/** The open pixel: first open only; an unknown id is ignored (the pixel still answers). */
export async function recordOpen(deps: Deps, publicId: string): Promise<void> {
  await transaction(deps.db, (tx) => recordEngagement(tx, eq(messages.publicId, publicId), 'open', deps.clock.now()));
}

/** A tracked click. Only targets we signed are followed, so the endpoint is no open redirect. */
export async function recordClick(deps: Deps, publicId: string, target: string, signature: string): Promise<string> {
  if (!verify(deps.secret, signature, publicId, target)) throw Invalid('This link is not valid');
  await transaction(deps.db, (tx) => recordEngagement(tx, eq(messages.publicId, publicId), 'click', deps.clock.now()));
  return target;
}
