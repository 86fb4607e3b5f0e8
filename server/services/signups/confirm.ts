import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { contacts, signups, variants, type Contact, type Shop, type Signup, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { itemName } from '../variants/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { confirmation } from './create.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { nextSeqs, tailPosition } from './position.ts';

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
export async function confirmPendingPlaces(tx: Tx, deps: Deps, shop: Shop, contact: Contact, ownSignupId: number | null, now: Date): Promise<ConfirmedPlace | null> {
  const proven = (await tx.update(contacts).set({ confirmedAt: now }).where(eq(contacts.id, contact.id)).returning())[0]!;
  const pending = await tx
    .select()
    .from(signups)
    .where(and(eq(signups.shopId, shop.id), eq(signups.contactId, contact.id), eq(signups.status, 'pending')))
    .orderBy(asc(signups.id));
  const lines: Array<{ place: Signup; variant: Variant }> = [];
  for (const place of pending) {
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, place.variantId)));
    if (variant) lines.push({ place, variant });
  }
  // Every line's count row at once, before any number: taken one at a time in the order asked, two confirmations could each hold a row the other waits for.
  const seqs = await nextSeqs(tx, shop.id, lines.map(({ variant }) => variant.id), lines.length);
  const batch = MessageBatch.for(tx, now);
  let own: ConfirmedPlace | null = null;
  for (const [i, { place, variant }] of lines.entries()) {
    const confirmed = (
      await tx
        .update(signups)
        .set({ status: 'waiting', seq: seqs[i]!, updatedAt: now })
        .where(eq(signups.id, place.id))
        .returning()
    )[0]!;
    // A fresh tail sequence number: everyone waiting is ahead.
    const position = await tailPosition(tx, shop.id, confirmed.variantId);
    confirmation(batch, deps, { shop, contact: proven, signup: confirmed, variant, position });
    if (confirmed.kind === 'preorder') await schedulePreorder(tx, shop, [confirmed], variant, now);
    if (place.id === ownSignupId) own = { signup: confirmed, position, item: itemName(variant) };
  }
  await batch.flush();
  return own;
}
