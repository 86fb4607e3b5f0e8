import { sql } from 'drizzle-orm';
import { pgTable, text, boolean, json, index } from 'drizzle-orm/pg-core';
import { CHANNELS, MESSAGE_STATUSES } from '../schema/messages.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/messages.ts. */
export const messages = pgTable(
  'messages',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    contactId: int64('contact_id'),
    signupId: int64('signup_id'),
    offerId: int64('offer_id'),
    backorderId: int64('backorder_id'),
    publicId: text('public_id').notNull().unique(),
    template: text('template').notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    to: text('to').notNull(),
    from: text('from'),
    props: json('props').$type<Record<string, unknown>>().notNull(),
    track: boolean('track').notNull().default(false),
    intro: boolean('intro').notNull().default(false),
    renderedAt: timestampMs('rendered_at'),
    subject: text('subject'),
    text: text('text'),
    html: text('html'),
    headers: json('headers').$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('queued'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    transport: text('transport'),
    providerId: text('provider_id'),
    batchKey: text('batch_key'),
    attempts: int64('attempts').notNull().default(0),
    sendAfter: timestampMs('send_after').notNull(),
    leaseUntil: timestampMs('lease_until'),
    error: text('error'),
    createdAt: timestampMs('created_at').notNull(),
    sentAt: timestampMs('sent_at'),
    openedAt: timestampMs('opened_at'),
    clickedAt: timestampMs('clicked_at'),
  },
  (t) => [
    index('messages_dispatch_idx').on(t.status, t.channel, t.sendAfter, t.id),
    index('messages_shop_idx').on(t.shopId, t.id),
    index('messages_provider_idx').on(t.providerId).where(sql`${t.providerId} is not null`),
    index('messages_batch_idx').on(t.batchKey).where(sql`${t.batchKey} is not null`),
    index('messages_offer_idx').on(t.offerId).where(sql`${t.offerId} is not null`),
    index('messages_backorder_idx').on(t.backorderId).where(sql`${t.backorderId} is not null`),
    index('messages_signup_idx').on(t.signupId),
    index('messages_contact_idx').on(t.contactId),
    index('messages_sms_to_idx').on(t.to, t.sentAt).where(sql`${t.channel} = 'sms'`),
  ],
);
