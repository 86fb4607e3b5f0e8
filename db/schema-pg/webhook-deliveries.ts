import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { OUTBOUND_EVENTS, WEBHOOK_CHANNELS } from '../schema/webhook-deliveries.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/webhook-deliveries.ts; `payload` stays text, byte for byte what was signed. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    messageId: text('message_id').notNull().unique(),
    channel: text('channel', { enum: WEBHOOK_CHANNELS }).notNull().default('webhooks'),
    event: text('event', { enum: OUTBOUND_EVENTS }).notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: int64('attempts').notNull().default(0),
    nextAttemptAt: timestampMs('next_attempt_at').notNull(),
    leaseUntil: timestampMs('lease_until'),
    lastStatus: int64('last_status'),
    lastError: text('last_error'),
    createdAt: timestampMs('created_at').notNull(),
    deliveredAt: timestampMs('delivered_at'),
  },
  (t) => [index('webhook_deliveries_due_idx').on(t.shopId, t.status, t.id), index('webhook_deliveries_next_idx').on(t.status, t.nextAttemptAt)],
);
