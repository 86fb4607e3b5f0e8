import { pgTable, text, json, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';

/** The Postgres twin of db/schema/webhook-events.ts. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    source: text('source', { enum: ['shopify', 'woocommerce', 'bigcommerce', 'resend', 'twilio'] }).notNull(),
    deliveryId: text('delivery_id').notNull(),
    eventId: text('event_id'),
    shopId: text('shop_id'),
    topic: text('topic').notNull(),
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestampMs('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_events_delivery_idx').on(t.source, t.deliveryId),
    index('webhook_events_received_idx').on(t.receivedAt),
  ],
);
