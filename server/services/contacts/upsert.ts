import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, type Contact } from '../../../db/schema/index.ts';
import { token } from '../../lib/tokens.ts';

export interface ContactInput {
  email?: string;
  phone?: string;
  smsConsent?: boolean;
  locale?: string;
}

/**
 * Finds the shop's contact by email (else by phone) or creates it, recording
 * consent and locale. Joining again with an email is a fresh request for email,
 * so it lifts an earlier email opt-out; an SMS STOP is only lifted by START.
 */
export function upsertContact(db: DbOrTx, shopId: string, input: ContactInput, now: Date): Contact {
  const byEmail = input.email
    ? db.select().from(contacts).where(and(eq(contacts.shopId, shopId), eq(contacts.email, input.email))).get()
    : undefined;
  const byPhone =
    !byEmail && input.phone
      ? db.select().from(contacts).where(and(eq(contacts.shopId, shopId), eq(contacts.phone, input.phone))).get()
      : undefined;
  const existing = byEmail ?? byPhone;
  const smsConsentAt = input.phone && input.smsConsent ? now : undefined;

  if (!existing) {
    return db
      .insert(contacts)
      .values({
        shopId,
        email: input.email ?? null,
        phone: phoneIsFree(db, shopId, input.phone) ? (input.phone ?? null) : null,
        smsConsentAt: smsConsentAt ?? null,
        locale: input.locale ?? 'en',
        token: token(),
        createdAt: now,
      })
      .returning()
      .get();
  }

  const changes: Partial<Contact> = {};
  if (input.locale) changes.locale = input.locale;
  if (input.email && !existing.email) changes.email = input.email;
  if (input.email && existing.emailOptOutAt) changes.emailOptOutAt = null;
  if (input.phone && input.phone !== existing.phone && phoneIsFree(db, shopId, input.phone)) {
    changes.phone = input.phone;
    changes.smsIntroducedAt = null;
  }
  if (smsConsentAt && (changes.phone || input.phone === existing.phone)) changes.smsConsentAt = smsConsentAt;
  if (Object.keys(changes).length === 0) return existing;
  return db.update(contacts).set(changes).where(eq(contacts.id, existing.id)).returning().get();
}

/** A number already on another contact stays there: we never merge people on a guess. */
function phoneIsFree(db: DbOrTx, shopId: string, phone: string | undefined): boolean {
  if (!phone) return false;
  return !db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.shopId, shopId), eq(contacts.phone, phone))).get();
}
