import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, type Contact } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';

/** One person, named by the address the merchant knows them by: `{email}` or `{phone}`, never both. */
export type ContactKey = { email: string; phone?: undefined } | { phone: string; email?: undefined };

/** This shop's contact with that address; an erased one has none left, so it is not found. */
export function contactByAddress(db: DbOrTx, shopId: string, key: ContactKey): Contact {
  const where = key.email !== undefined ? eq(contacts.email, key.email) : eq(contacts.phone, key.phone);
  const contact = db.select().from(contacts).where(and(eq(contacts.shopId, shopId), where, isNull(contacts.erasedAt))).get();
  if (!contact) throw NotFound('Contact');
  return contact;
}

/** The contact's addresses: what a stored payload or free text would carry of them. */
export const addressesOf = (contact: Contact) => [contact.email, contact.phone].filter((a): a is string => Boolean(a));

// The SQL differs per engine: db/sql/sqlite/mentions.ts (its PostgreSQL twin: db/sql/pg/mentions.ts).
export { mentions } from '../../../db/sql/sqlite/mentions.ts';
