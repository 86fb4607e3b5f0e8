import { and, eq } from 'drizzle-orm';
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
 * Double opt-in: following the link takes the place in line now (at the tail,
 * by a fresh sequence number) and sends the usual confirmation.
 * Returns null when the signup was not pending (used link, cancelled).
 */
export function confirmSignup(deps: Deps, tokenValue: string): { signup: Signup; position: number; item: string } | null {
  const result = deps.db.transaction((tx) => {
    const { signup, shop } = signupByToken(tx, tokenValue);
    if (signup.status !== 'pending') return null;
    const now = deps.clock.now();
    const confirmed = tx
      .update(signups)
      .set({ status: 'waiting', seq: nextSeq(deps.db), updatedAt: now })
      .where(eq(signups.id, signup.id))
      .returning()
      .get();
    const variant = tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, signup.variantId))).get();
    const contact = tx.select().from(contacts).where(eq(contacts.id, signup.contactId)).get();
    if (!variant || !contact) throw NotFound('Signup');
    // A fresh tail sequence number: everyone waiting is ahead.
    const position = tailPosition(deps.db, shop.id, confirmed.variantId);
    const batch = MessageBatch.for(deps, now);
    confirmation(batch, deps, { shop, contact, signup: confirmed, variant, position });
    if (confirmed.kind === 'preorder') schedulePreorder(tx, shop, [confirmed], variant, now);
    batch.flush();
    return { signup: confirmed, position, item: itemName(variant) };
  });
  if (result) deps.wake();
  return result;
}
