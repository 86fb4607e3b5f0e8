import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const OUTBOUND_EVENTS = ['signup.created', 'offer.created', 'offer.expired', 'signup.purchased', 'escalation.created'] as const;
export type OutboundEvent = (typeof OUTBOUND_EVENTS)[number];

/** One event for a merchant's endpoint, written with the change it reports and delivered (and retried) after commit. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    /** The Standard Webhooks message id: the receiver's idempotency key. */
    messageId: text('message_id').notNull().unique(),
    event: text('event', { enum: OUTBOUND_EVENTS }).notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('webhook_deliveries_due_idx').on(t.shopId, t.status, t.id)],
);

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
