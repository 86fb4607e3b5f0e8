import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const OUTBOUND_EVENTS = ['signup.created', 'offer.created', 'offer.expired', 'signup.purchased', 'escalation.created'] as const;
export type OutboundEvent = (typeof OUTBOUND_EVENTS)[number];
/** Where a delivery goes: the shop's `webhooks.url`, or its helpdesk hook `escalation.webhookUrl`. */
export const WEBHOOK_CHANNELS = ['webhooks', 'escalation'] as const;
export type WebhookChannel = (typeof WEBHOOK_CHANNELS)[number];

/** One event for a merchant's endpoint, written with the change it reports and delivered (and retried) after commit. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    /** The Standard Webhooks message id: the receiver's idempotency key. */
    messageId: text('message_id').notNull().unique(),
    channel: text('channel', { enum: WEBHOOK_CHANNELS }).notNull().default('webhooks'),
    event: text('event', { enum: OUTBOUND_EVENTS }).notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** While set and ahead of now, one sender is delivering this row; no other takes it. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('webhook_deliveries_due_idx').on(t.shopId, t.status, t.id), index('webhook_deliveries_next_idx').on(t.status, t.nextAttemptAt)],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
