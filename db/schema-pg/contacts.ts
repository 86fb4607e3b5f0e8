import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { EMAIL_OPT_OUT_REASONS } from '../schema/contacts.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/contacts.ts. */
export const contacts = pgTable(
  'contacts',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    email: text('email'),
    phone: text('phone'),
    smsConsentAt: timestampMs('sms_consent_at'),
    emailOptOutAt: timestampMs('email_opt_out_at'),
    emailOptOutReason: text('email_opt_out_reason', { enum: EMAIL_OPT_OUT_REASONS }),
    smsOptOutAt: timestampMs('sms_opt_out_at'),
    smsIntroducedAt: timestampMs('sms_introduced_at'),
    confirmedAt: timestampMs('confirmed_at'),
    locale: text('locale').notNull().default('en'),
    ordersCount: int64('orders_count').notNull().default(0),
    token: text('token').notNull().unique(),
    createdAt: timestampMs('created_at').notNull(),
    erasedAt: timestampMs('erased_at'),
  },
  (t) => [
    uniqueIndex('contacts_shop_email_idx').on(t.shopId, t.email).where(sql`${t.email} is not null`),
    uniqueIndex('contacts_shop_phone_idx').on(t.shopId, t.phone).where(sql`${t.phone} is not null`),
  ],
);
