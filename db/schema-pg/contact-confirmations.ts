import { pgTable, text, boolean, index } from 'drizzle-orm/pg-core';
import { CONFIRMATION_KINDS } from '../schema/contact-confirmations.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';
import { contacts } from './contacts.ts';

/** The Postgres twin of db/schema/contact-confirmations.ts. */
export const contactConfirmations = pgTable(
  'contact_confirmations',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    contactId: int64('contact_id').notNull().references(() => contacts.id),
    signupId: int64('signup_id'),
    kind: text('kind', { enum: CONFIRMATION_KINDS }).notNull(),
    value: text('value'),
    smsConsent: boolean('sms_consent').notNull().default(false),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestampMs('created_at').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
  },
  (t) => [index('contact_confirmations_contact_idx').on(t.contactId, t.kind, t.createdAt)],
);
