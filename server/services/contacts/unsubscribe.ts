import { and, eq, inArray, isNotNull, not, sql } from 'drizzle-orm';
import { ACTIVE_SIGNUP_STATUSES, contacts, messages, shops, signups, type Contact, type Shop } from '../../../db/schema/index.ts';
import type { DbOrTx } from '../../../db/index.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { leaveQueue } from '../signups/cancel.ts';
import { ORDER_NOTICE_LIST } from '../messages/transactional.ts';

export function contactByToken(db: DbOrTx, tokenValue: string): { contact: Contact; shop: Shop } {
  const row = db.select().from(contacts).innerJoin(shops, eq(shops.id, contacts.shopId)).where(eq(contacts.token, tokenValue)).get();
  if (!row) throw NotFound('Contact');
  return { contact: row.contacts, shop: row.shops };
}

/**
 * Stops every email from this shop to this contact (RFC 8058 one-click),
 * save notices about an order they placed (services/messages/transactional.ts).
 * Places in line that email was the only way to reach become `unsubscribed`;
 * a contact who also consented to SMS keeps them.
 */
export function unsubscribeEmail(deps: Deps, tokenValue: string): Contact {
  const contact = deps.db.transaction((tx) => {
    const { contact } = contactByToken(tx, tokenValue);
    if (contact.emailOptOutAt) return contact;
    const now = deps.clock.now();
    const updated = tx.update(contacts).set({ emailOptOutAt: now, emailOptOutReason: 'unsubscribed' }).where(eq(contacts.id, contact.id)).returning().get();
    // Notices about an order they placed still go: unsubscribing stops marketing, not the order.
    const orderNotice = sql`(${isNotNull(messages.backorderId)} and ${inArray(messages.template, ORDER_NOTICE_LIST)})`;
    tx.update(messages)
      .set({ status: 'suppressed', error: 'recipient unsubscribed' })
      .where(and(eq(messages.contactId, contact.id), eq(messages.channel, 'email'), eq(messages.status, 'queued'), not(orderNotice)))
      .run();
    const smsReachable = Boolean(updated.phone && updated.smsConsentAt && !updated.smsOptOutAt);
    if (!smsReachable) {
      const active = tx
        .select()
        .from(signups)
        .where(and(eq(signups.contactId, contact.id), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES])))
        .all();
      for (const signup of active) leaveQueue(tx, deps, signup, 'unsubscribed', now);
    }
    return updated;
  });
  deps.wake(); // a released hold may have gone to the next in line
  return contact;
}

/** "Leave this waitlist" from an email: only this place, only if it belongs to this contact. */
export function leaveBySignupToken(deps: Deps, contactToken: string, signupToken: string) {
  const left = deps.db.transaction((tx) => {
    const { contact } = contactByToken(tx, contactToken);
    const signup = tx
      .select()
      .from(signups)
      .where(and(eq(signups.token, signupToken), eq(signups.contactId, contact.id)))
      .get();
    if (!signup) throw NotFound('Signup');
    return leaveQueue(tx, deps, signup, 'cancelled', deps.clock.now());
  });
  deps.wake();
  return left;
}
