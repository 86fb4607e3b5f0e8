import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'suppressed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Every email and SMS, written in the same transaction as the state change that
 * causes it (template and props), rendered once when the dispatcher first claims
 * it, and sent after commit. The row is the outbox: `idempotencyKey` names the
 * event, so one event is one message, and a re-send carries the same rendered
 * payload under the same provider key, so it is not a second send.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    contactId: integer('contact_id'),
    signupId: integer('signup_id'),
    offerId: integer('offer_id'),
    backorderId: integer('backorder_id'),
    /** Unguessable id for the open pixel and click links. */
    publicId: text('public_id').notNull().unique(),
    template: text('template').notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    to: text('to').notNull(),
    from: text('from'),
    /** The template's input, kept until the message is rendered (and after, for the record). */
    props: text('props', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Email: add the open pixel and sign button links. */
    track: integer('track', { mode: 'boolean' }).notNull().default(false),
    /** SMS: the first message to this number, which says how to opt out. */
    intro: integer('intro', { mode: 'boolean' }).notNull().default(false),
    /** Null until rendered. */
    renderedAt: integer('rendered_at', { mode: 'timestamp_ms' }),
    subject: text('subject'),
    text: text('text'),
    html: text('html'),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('queued'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    transport: text('transport'),
    providerId: text('provider_id'),
    /** Messages claimed together are re-sent together, under the same provider key. */
    batchKey: text('batch_key'),
    attempts: integer('attempts').notNull().default(0),
    sendAfter: integer('send_after', { mode: 'timestamp_ms' }).notNull(),
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    error: text('error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }),
    clickedAt: integer('clicked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('messages_dispatch_idx').on(t.status, t.channel, t.sendAfter, t.id),
    index('messages_shop_idx').on(t.shopId, t.id),
    // Partial: most rows are NULL here when written (a confirmation has no offer, no
    // backorder, no batch or provider id yet), and a NULL costs no index write.
    index('messages_provider_idx').on(t.providerId).where(sql`${t.providerId} is not null`),
    index('messages_batch_idx').on(t.batchKey).where(sql`${t.batchKey} is not null`),
    index('messages_offer_idx').on(t.offerId).where(sql`${t.offerId} is not null`),
    index('messages_backorder_idx').on(t.backorderId).where(sql`${t.backorderId} is not null`),
    index('messages_signup_idx').on(t.signupId),
    index('messages_contact_idx').on(t.contactId),
    // An inbound text goes to the shop that last texted the number; only texts pay for this index.
    index('messages_sms_to_idx').on(t.to, t.sentAt).where(sql`${t.channel} = 'sms'`),
  ],
);

export type Message = typeof messages.$inferSelect;
