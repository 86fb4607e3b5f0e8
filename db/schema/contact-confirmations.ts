import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { contacts } from './contacts.ts';

/**
 * What a confirmation link proves, once followed (GET shows a page, POST acts):
 * - `optin`: double opt-in; the address is the contact's, its pending places join the line;
 * - `phone` / `email`: a new number or address asked for in a signup, proven by a link
 *   sent to what the contact already has (never to the new value);
 * - `resubscribe`: an opted-out, bounced or complained address asks for email again.
 */
export const CONFIRMATION_KINDS = ['optin', 'phone', 'email', 'resubscribe'] as const;
export type ConfirmationKind = (typeof CONFIRMATION_KINDS)[number];

/**
 * A confirm-only token, sent only to the contact's own inbox or phone and never
 * returned by the API. Only its SHA-256 is stored, so a copy of the database
 * holds no working link.
 */
export const contactConfirmations = sqliteTable(
  'contact_confirmations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    contactId: integer('contact_id').notNull().references(() => contacts.id),
    /** The place whose signup asked for it (the page names its item). */
    signupId: integer('signup_id'),
    kind: text('kind', { enum: CONFIRMATION_KINDS }).notNull(),
    /** The new phone (E.164) or email that `phone` / `email` would add. */
    value: text('value'),
    /** A new phone came with SMS consent. */
    smsConsent: integer('sms_consent', { mode: 'boolean' }).notNull().default(false),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('contact_confirmations_contact_idx').on(t.contactId, t.kind, t.createdAt)],
);

export type ContactConfirmation = typeof contactConfirmations.$inferSelect;
