import { and, eq, isNull, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, type Contact } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { NotFound } from '../../lib/errors.ts';

/** One person, named by the address the merchant knows them by: `{email}` or `{phone}`, never both. */
export type ContactKey = { email: string; phone?: undefined } | { phone: string; email?: undefined };

/** This shop's contact with that address; an erased one has none left, so it is not found. */
export async function contactByAddress(db: DbOrTx, shopId: string, key: ContactKey): Promise<Contact> {
  const where = key.email !== undefined ? eq(contacts.email, key.email) : eq(contacts.phone, key.phone);
  const [contact] = await db.select().from(contacts).where(and(eq(contacts.shopId, shopId), where, isNull(contacts.erasedAt))).limit(1);
  if (!contact) throw NotFound('Contact');
  return contact;
}

/** The contact's addresses: what a stored payload or free text would carry of them. */
export const addressesOf = (contact: Contact) => [contact.email, contact.phone].filter((a): a is string => Boolean(a));

/** A stored text that names one of the addresses; the SQL differs per engine (db/sql/<engine>/mentions.ts). */
export const mentions = (db: DbOrTx, column: AnyColumn, addresses: string[]): SQL => twins(db).mentions.mentions(column, addresses);
