import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every verified webhook delivery, once: the provider's delivery id is unique
 * per source, so a retried delivery is recognised and does nothing twice.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source', { enum: ['shopify', 'woocommerce', 'bigcommerce', 'resend', 'twilio'] }).notNull(),
    /** X-Shopify-Webhook-Id, svix-id, or Twilio's MessageSid (+ status). */
    deliveryId: text('delivery_id').notNull(),
    /** X-Shopify-Event-Id: shared by the subscriptions of one event. */
    eventId: text('event_id'),
    shopId: text('shop_id'),
    topic: text('topic').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('webhook_events_delivery_idx').on(t.source, t.deliveryId),
    // The retention sweep finds what is past WAITLINE_RETENTION_DAYS from the oldest end.
    index('webhook_events_received_idx').on(t.receivedAt),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
