import { and, eq, inArray, isNotNull, not, sql } from 'drizzle-orm';
import { ACTIVE_SIGNUP_STATUSES, contacts, messages, shops, signups, type Contact, type Shop } from '../../../db/schema/index.ts';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { leaveQueue, leaveQueues } from '../signups/cancel.ts';
import { ORDER_NOTICE_LIST } from '../messages/transactional.ts';

export async function contactByToken(db: DbOrTx, tokenValue: string): Promise<{ contact: Contact; shop: Shop }> {
  const [row] = await db.select().from(contacts).innerJoin(shops, eq(shops.id, contacts.shopId)).where(eq(contacts.token, tokenValue));
  if (!row) throw NotFound('Contact');
  return { contact: row.contacts, shop: row.shops };
}

/**
 * Stops every email from this shop to this contact (RFC 8058 one-click),
 * save notices about an order they placed (services/messages/transactional.ts).
 * Places in line that email was the only way to reach become `unsubscribed`;
 * a contact who also consented to SMS keeps them.
 */
export async function unsubscribeEmail(deps: Deps, tokenValue: string): Promise<Contact> {
  const contact = await transaction(deps.db, async (tx) => {
    const { contact } = await contactByToken(tx, tokenValue);
    return optOutOfEmail(tx, deps, contact, deps.clock.now());
  });
  deps.wake(); // a released hold may have gone to the next in line
  return contact;
}

/** The unsubscribe itself, in the caller's transaction: the link, or a reply that says stop. */
export async function optOutOfEmail(tx: Tx, deps: Deps, contact: Contact, now: Date): Promise<Contact> {
  if (contact.emailOptOutAt) return contact;
  const updated = (await tx.update(contacts).set({ emailOptOutAt: now, emailOptOutReason: 'unsubscribed' }).where(eq(contacts.id, contact.id)).returning())[0]!;
  // Notices about an order they placed still go: unsubscribing stops marketing, not the order.
  const orderNotice = sql`(${isNotNull(messages.backorderId)} and ${inArray(messages.template, ORDER_NOTICE_LIST)})`;
  await tx
    .update(messages)
    .set({ status: 'suppressed', error: 'recipient unsubscribed' })
    .where(and(eq(messages.contactId, contact.id), eq(messages.channel, 'email'), eq(messages.status, 'queued'), not(orderNotice)));
  const smsReachable = Boolean(updated.phone && updated.smsConsentAt && !updated.smsOptOutAt);
  if (!smsReachable) {
    const active = await tx
      .select()
      .from(signups)
      .where(and(eq(signups.contactId, contact.id), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES])))
      .orderBy(signups.id);
    await leaveQueues(tx, deps, active, 'unsubscribed', now);
  }
  return updated;
}

/** "Leave this waitlist" from an email: only this place, only if it belongs to this contact. */
export async function leaveBySignupToken(deps: Deps, contactToken: string, signupToken: string) {
  const left = await transaction(deps.db, async (tx) => {
    const { contact } = await contactByToken(tx, contactToken);
    const [signup] = await tx
      .select()
      .from(signups)
      .where(and(eq(signups.token, signupToken), eq(signups.contactId, contact.id)));
    if (!signup) throw NotFound('Signup');
    return leaveQueue(tx, deps, signup, 'cancelled', deps.clock.now());
  });
  deps.wake();
  return left;
}
