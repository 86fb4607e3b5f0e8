import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { contacts, signups, variants, type Contact, type Shop, type Signup } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { itemName } from '../variants/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { confirmation } from './create.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { nextSeq, tailPosition } from './position.ts';

export interface ConfirmedPlace {
  signup: Signup;
  position: number;
  item: string;
}

/**
 * Double opt-in: the link proved the address. Every place it is pending in at
 * this shop takes its place now (each at the tail, by a fresh sequence number,
 * in the order asked) with the usual confirmation, and later signups from it
 * join straight away. Returns the place whose signup sent the link, if it was
 * still pending.
 */
export function confirmPendingPlaces(tx: Tx, deps: Deps, shop: Shop, contact: Contact, ownSignupId: number | null, now: Date): ConfirmedPlace | null {
  const proven = tx.update(contacts).set({ confirmedAt: now }).where(eq(contacts.id, contact.id)).returning().get();
  const pending = tx
    .select()
    .from(signups)
    .where(and(eq(signups.shopId, shop.id), eq(signups.contactId, contact.id), eq(signups.status, 'pending')))
    .orderBy(asc(signups.id))
    .all();
  const batch = MessageBatch.for(deps, now);
  let own: ConfirmedPlace | null = null;
  for (const place of pending) {
    const variant = tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, place.variantId))).get();
    if (!variant) continue;
    const confirmed = tx
      .update(signups)
      .set({ status: 'waiting', seq: nextSeq(deps.db, shop.id), updatedAt: now })
      .where(eq(signups.id, place.id))
      .returning()
      .get();
    // A fresh tail sequence number: everyone waiting is ahead.
    const position = tailPosition(deps.db, shop.id, confirmed.variantId);
    confirmation(batch, deps, { shop, contact: proven, signup: confirmed, variant, position });
    if (confirmed.kind === 'preorder') schedulePreorder(tx, shop, [confirmed], variant, now);
    if (place.id === ownSignupId) own = { signup: confirmed, position, item: itemName(variant) };
  }
  batch.flush();
  return own;
}
