import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
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
export function recordEngagement(tx: DbOrTx, which: SQL, kind: 'open' | 'click', now: Date): void {
  const message = tx.select({ id: messages.id, offerId: messages.offerId }).from(messages).where(which).get();
  if (!message) return;
  if (kind === 'click') {
    tx.update(messages).set({ clickedAt: now }).where(and(eq(messages.id, message.id), isNull(messages.clickedAt))).run();
  }
  tx.update(messages).set({ openedAt: now }).where(and(eq(messages.id, message.id), isNull(messages.openedAt))).run();
  if (message.offerId === null) return;
  if (kind === 'click') {
    tx.update(offers).set({ clickedAt: now }).where(and(eq(offers.id, message.offerId), isNull(offers.clickedAt))).run();
  }
  tx.update(offers).set({ openedAt: now }).where(and(eq(offers.id, message.offerId), isNull(offers.openedAt))).run();
}

/** The open pixel: first open only; an unknown id is ignored (the pixel still answers). */
export function recordOpen(deps: Deps, publicId: string): void {
  deps.db.transaction((tx) => recordEngagement(tx, eq(messages.publicId, publicId), 'open', deps.clock.now()));
}

/** A tracked click. Only targets we signed are followed, so the endpoint is no open redirect. */
export function recordClick(deps: Deps, publicId: string, target: string, signature: string): string {
  if (!verify(deps.secret, signature, publicId, target)) throw Invalid('This link is not valid');
  deps.db.transaction((tx) => recordEngagement(tx, eq(messages.publicId, publicId), 'click', deps.clock.now()));
  return target;
}
