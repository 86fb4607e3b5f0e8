import { eq } from 'drizzle-orm';
import { contacts, type ConfirmationKind, type Contact, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { confirmPendingPlaces, type ConfirmedPlace } from '../signups/confirm.ts';
import { confirmationByToken, spendConfirmation, valueIsFree } from './confirmations.ts';

export type ConfirmOutcome =
  | { kind: 'optin'; shop: Shop; contact: Contact; place: ConfirmedPlace | null }
  | { kind: Exclude<ConfirmationKind, 'optin'>; shop: Shop; contact: Contact; applied: boolean };

/**
 * `POST /confirm/:token`: does what the link was sent to confirm, once.
 * Returns null for a link already used or expired. A new number or address
 * that another contact took in the meantime is not applied (`applied: false`):
 * people are never merged on a guess.
 */
export async function confirmByToken(deps: Deps, raw: string): Promise<ConfirmOutcome | null> {
  const outcome = await transaction(deps.db, async (tx): Promise<ConfirmOutcome | null> => {
    const now = deps.clock.now();
    const found = await confirmationByToken(tx, raw, now);
    if (!found.open || !(await spendConfirmation(tx, found.confirmation.id, now))) return null;
    const { confirmation: c, shop, contact } = found;
    switch (c.kind) {
      case 'optin':
        return { kind: 'optin', shop, contact, place: await confirmPendingPlaces(tx, deps, shop, contact, c.signupId, now) };
      case 'resubscribe': {
        const [updated] = await tx.update(contacts).set({ emailOptOutAt: null, emailOptOutReason: null, confirmedAt: now }).where(eq(contacts.id, contact.id)).returning();
        return { kind: 'resubscribe', shop, contact: updated!, applied: true };
      }
      case 'phone':
      case 'email': {
        if (!(await valueIsFree(tx, c))) return { kind: c.kind, shop, contact, applied: false };
        const changes: Partial<Contact> =
          c.kind === 'phone'
            ? // A new number starts clean: the STOP and the intro line belonged to the old one.
              { phone: c.value, smsConsentAt: c.smsConsent ? now : null, smsOptOutAt: null, smsIntroducedAt: null }
            : { email: c.value, emailOptOutAt: null, emailOptOutReason: null };
        const [updated] = await tx.update(contacts).set(changes).where(eq(contacts.id, contact.id)).returning();
        return { kind: c.kind, shop, contact: updated!, applied: true };
      }
    }
  });
  if (outcome?.kind === 'optin') deps.wake();
  return outcome;
}
