import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const EMAIL_OPT_OUT_REASONS = ['unsubscribed', 'bounced', 'complained'] as const;
export type EmailOptOutReason = (typeof EMAIL_OPT_OUT_REASONS)[number];

/**
 * A shopper, per shop. Email is trimmed and lower-cased, phone is E.164.
 * Opt-outs are per shop and per channel and are checked on every send.
 */
export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    email: text('email'),
    phone: text('phone'),
    smsConsentAt: integer('sms_consent_at', { mode: 'timestamp_ms' }),
    emailOptOutAt: integer('email_opt_out_at', { mode: 'timestamp_ms' }),
    /**
     * Why email stopped. After an unsubscribe, notices about an order the
     * person placed still go (server/services/messages/transactional.ts);
     * after a bounce or a complaint nothing does.
     */
    emailOptOutReason: text('email_opt_out_reason', { enum: EMAIL_OPT_OUT_REASONS }),
    smsOptOutAt: integer('sms_opt_out_at', { mode: 'timestamp_ms' }),
    /** Set once the first SMS (which carries "Reply STOP to opt out") has been queued. */
    smsIntroducedAt: integer('sms_introduced_at', { mode: 'timestamp_ms' }),
    /** Followed a double opt-in link: the address is theirs, so later signups need no second proof. */
    confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
    locale: text('locale').notNull().default('en'),
    ordersCount: integer('orders_count').notNull().default(0),
    /** Unguessable token for the unsubscribe page (`/u/:token`). */
    token: text('token').notNull().unique(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /**
     * Set when the merchant erased this person (`POST /v1/admin/contacts/erase`):
     * email and phone are gone, the row stays so counts and revenue still join.
     */
    erasedAt: integer('erased_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('contacts_shop_email_idx').on(t.shopId, t.email).where(sql`${t.email} is not null`),
    uniqueIndex('contacts_shop_phone_idx').on(t.shopId, t.phone).where(sql`${t.phone} is not null`),
  ],
);

export type Contact = typeof contacts.$inferSelect;
