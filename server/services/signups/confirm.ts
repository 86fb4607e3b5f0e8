import { and, asc, eq } from 'drizzle-orm';
import { contacts, signups, variants, type Signup } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { itemName } from '../variants/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { confirmation } from './create.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { signupByToken } from './find.ts';
import { nextSeq, tailPosition } from './position.ts';

/**
 * Double opt-in: following the link proves the address. Every place it is
 * pending in at this shop takes its place now (each at the tail, by a fresh
 * sequence number, in the order asked) with the usual confirmation, and later
 * signups from it join straight away. Returns the link's own place, or null
 * when it was not pending (used link, cancelled).
 */
export function confirmSignup(deps: Deps, tokenValue: string): { signup: Signup; position: number; item: string } | null {
  const result = deps.db.transaction((tx) => {
    const { signup, shop } = signupByToken(tx, tokenValue);
    if (signup.status !== 'pending') return null;
    const now = deps.clock.now();
    const contact = tx.update(contacts).set({ confirmedAt: now }).where(eq(contacts.id, signup.contactId)).returning().get();
    const pending = tx
      .select()
      .from(signups)
      .where(and(eq(signups.shopId, shop.id), eq(signups.contactId, signup.contactId), eq(signups.status, 'pending')))
      .orderBy(asc(signups.id))
      .all();
    const batch = MessageBatch.for(deps, now);
    let own: { signup: Signup; position: number; item: string } | null = null;
    for (const place of pending) {
      const confirmed = tx
        .update(signups)
        .set({ status: 'waiting', seq: nextSeq(deps.db, shop.id), updatedAt: now })
        .where(eq(signups.id, place.id))
        .returning()
        .get();
      const variant = tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, place.variantId))).get();
      if (!variant || !contact) throw NotFound('Signup');
      // A fresh tail sequence number: everyone waiting is ahead.
      const position = tailPosition(deps.db, shop.id, confirmed.variantId);
      confirmation(batch, deps, { shop, contact, signup: confirmed, variant, position });
      if (confirmed.kind === 'preorder') schedulePreorder(tx, shop, [confirmed], variant, now);
      if (place.id === signup.id) own = { signup: confirmed, position, item: itemName(variant) };
    }
    batch.flush();
    return own;
  });
  if (result) deps.wake();
  return result;
}
