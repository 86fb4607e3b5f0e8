import { and, eq, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../../db/index.ts';
import { runWrite } from '../../../db/raw.ts';
import { contacts, type Contact } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { rowToken } from '../../lib/tokens.ts';

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
export async function upsertContact(tx: Tx, shopId: string, input: ContactInput, now: Date): Promise<{ contact: Contact; created: boolean; asks: ContactAsks }> {
  for (let attempt = 1; ; attempt++) {
    const existing = await findContact(tx, shopId, input);
    if (existing) return knownContact(tx, shopId, input, existing, now);
    const contact = await insertContact(tx, shopId, input, now);
    if (contact) return { contact, created: true, asks: {} };
    // Another replica committed this address or number between our read and our insert; PostgreSQL
    // waited for that commit, so the next read sees the contact. (SQLite never gets here: its writers
    // take turns.) The bound is for a row that conflicted and is gone again by then, erased meanwhile.
    if (attempt === MAX_ATTEMPTS) throw new Error(`upsertContact: the insert kept conflicting with a contact no read finds (shop ${shopId})`);
  }
}

const MAX_ATTEMPTS = 3;

/** The shop's contact with this email, else with this phone. */
async function findContact(tx: Tx, shopId: string, input: ContactInput): Promise<Contact | undefined> {
  const q = statements(tx);
  const byEmail = input.email ? (await q.byEmail.execute({ shopId, email: input.email }))[0] : undefined;
  return byEmail ?? (input.phone ? (await q.byPhone.execute({ shopId, phone: input.phone }))[0] : undefined);
}

/**
 * A new contact, or undefined when a concurrent transaction holds its email or
 * phone: `on conflict do nothing` (db/sql/<engine>/inserts.ts) answers no row
 * changed rather than a unique violation, which would fail the whole request.
 */
async function insertContact(tx: Tx, shopId: string, input: ContactInput, now: Date): Promise<Contact | undefined> {
  // findContact found nobody by this number, so it is free; if another replica took it since,
  // the insert conflicts and the caller looks again, as it would have one request after the other.
  const contact = newContact(shopId, input, now);
  const { email, phone, smsConsentAt, locale, token } = contact;
  const { changes, id } = await runWrite(tx, twins(tx).inserts.insertContact, [shopId, email, phone, smsConsentAt?.getTime() ?? null, locale, token, now.getTime()]);
  // With nothing inserted, SQLite's lastInsertRowid is some earlier row's: only `changes` tells.
  if (changes === 0) return undefined;
  contact.id = id;
  return contact;
}

/** What a request may change about a contact it did not create, and what it can only ask for. */
async function knownContact(tx: Tx, shopId: string, input: ContactInput, existing: Contact, now: Date): Promise<{ contact: Contact; created: false; asks: ContactAsks }> {
  const q = statements(tx);
  const smsConsentAt = input.phone && input.smsConsent ? now : undefined;
  const asks: ContactAsks = {};
  if (input.phone && input.phone !== existing.phone && (await phoneIsFree(tx, shopId, input.phone))) {
    asks.phone = { value: input.phone, smsConsent: Boolean(input.smsConsent) };
  }
  if (input.email && input.email !== existing.email && !(await q.byEmail.execute({ shopId, email: input.email }))[0]) asks.email = input.email;
  if (input.email && input.email === existing.email && existing.emailOptOutAt) asks.resubscribe = true;

  const changes: Partial<Contact> = {};
  if (input.locale && input.locale !== existing.locale) changes.locale = input.locale;
  if (smsConsentAt && input.phone === existing.phone && !existing.smsConsentAt) changes.smsConsentAt = smsConsentAt;
  if (Object.keys(changes).length === 0) return { contact: existing, created: false, asks };
  const [updated] = await tx.update(contacts).set(changes).where(eq(contacts.id, existing.id)).returning();
  return { contact: updated!, created: false, asks };
}

/** A number already on another contact stays there: we never merge people on a guess. */
async function phoneIsFree(tx: Tx, shopId: string, phone: string | undefined): Promise<boolean> {
  if (!phone) return false;
  return !(await statements(tx).byPhone.execute({ shopId, phone }))[0];
}

const p = sql.placeholder;
/** Every signup runs these; prepared once per connection. */
const statements = perConnection((db: Db) => ({
  byEmail: db.select().from(contacts).where(and(eq(contacts.shopId, p('shopId')), eq(contacts.email, p('email')))).prepare(),
  byPhone: db.select().from(contacts).where(and(eq(contacts.shopId, p('shopId')), eq(contacts.phone, p('phone')))).prepare(),
}));

/** A contact as a signup creates it, before it has an id. */
export function newContact(shopId: string, input: ContactInput, now: Date): Contact {
  return {
    id: 0,
    shopId,
    email: input.email ?? null,
    phone: input.phone ?? null,
    smsConsentAt: input.phone && input.smsConsent ? now : null,
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
}
