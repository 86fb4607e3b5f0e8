import { and, eq, sql } from 'drizzle-orm';
import { perConnection, type Db } from '../../../db/index.ts';
import { contacts, type Contact } from '../../../db/schema/index.ts';
import { rowToken } from '../../lib/tokens.ts';
import { insertContact } from '../../../db/sql/sqlite/inserts.ts';

export interface ContactInput {
  email?: string;
  phone?: string;
  smsConsent?: boolean;
  locale?: string;
}

/**
 * What a request asked to change about a known contact that only the contact
 * can confirm (SPEC §4, §5): a new phone or email, or email again after an
 * opt-out, bounce or complaint. Nothing here is applied; the caller sends a
 * confirmation link to what the contact already has (services/contacts/confirmations.ts).
 */
export interface ContactAsks {
  phone?: { value: string; smsConsent: boolean };
  email?: string;
  resubscribe?: boolean;
}

/**
 * Finds the shop's contact by email (else by phone) or creates it. A request
 * never changes who a known contact is: whoever types an address or a number
 * into a form is not yet its owner. A new phone or email, and email after an
 * opt-out, come back as `asks`; only the locale and SMS consent for the
 * contact's own number are taken as given. An SMS STOP is only lifted by START.
 * `created` says the contact is new, so it has no signups yet.
 */
export function upsertContact(db: Db, shopId: string, input: ContactInput, now: Date): { contact: Contact; created: boolean; asks: ContactAsks } {
  const q = statements(db);
  const byEmail = input.email ? q.byEmail.get({ shopId, email: input.email }) : undefined;
  const byPhone = !byEmail && input.phone ? q.byPhone.get({ shopId, phone: input.phone }) : undefined;
  const existing = byEmail ?? byPhone;
  const smsConsentAt = input.phone && input.smsConsent ? now : undefined;

  if (!existing) {
    const contact: Contact = {
      id: 0,
      shopId,
      email: input.email ?? null,
      phone: phoneIsFree(db, shopId, input.phone) ? (input.phone ?? null) : null,
      smsConsentAt: smsConsentAt ?? null,
      emailOptOutAt: null,
      emailOptOutReason: null,
      smsOptOutAt: null,
      smsIntroducedAt: null,
      confirmedAt: null,
      locale: input.locale ?? 'en',
      ordersCount: 0,
      token: rowToken(now),
      createdAt: now,
      erasedAt: null,
    };
    const { email, phone, locale, token } = contact;
    contact.id = Number(q.insert.run(shopId, email, phone, smsConsentAt?.getTime() ?? null, locale, token, now.getTime()).lastInsertRowid);
    return { contact, created: true, asks: {} };
  }

  const asks: ContactAsks = {};
  if (input.phone && input.phone !== existing.phone && phoneIsFree(db, shopId, input.phone)) {
    asks.phone = { value: input.phone, smsConsent: Boolean(input.smsConsent) };
  }
  if (input.email && input.email !== existing.email && !q.byEmail.get({ shopId, email: input.email })) asks.email = input.email;
  if (input.email && input.email === existing.email && existing.emailOptOutAt) asks.resubscribe = true;

  const changes: Partial<Contact> = {};
  if (input.locale && input.locale !== existing.locale) changes.locale = input.locale;
  if (smsConsentAt && input.phone === existing.phone && !existing.smsConsentAt) changes.smsConsentAt = smsConsentAt;
  if (Object.keys(changes).length === 0) return { contact: existing, created: false, asks };
  return { contact: db.update(contacts).set(changes).where(eq(contacts.id, existing.id)).returning().get(), created: false, asks };
}

/** A number already on another contact stays there: we never merge people on a guess. */
function phoneIsFree(db: Db, shopId: string, phone: string | undefined): boolean {
  if (!phone) return false;
  return !statements(db).byPhone.get({ shopId, phone });
}

const p = sql.placeholder;
/** Every signup runs these; prepared once per connection. */
const statements = perConnection((db: Db) => ({
  byEmail: db.select().from(contacts).where(and(eq(contacts.shopId, p('shopId')), eq(contacts.email, p('email')))).prepare(),
  byPhone: db.select().from(contacts).where(and(eq(contacts.shopId, p('shopId')), eq(contacts.phone, p('phone')))).prepare(),
  // Plain SQL and no RETURNING: the caller already holds every value of the new row.
  insert: db.$client.prepare(insertContact.text()),
}));
