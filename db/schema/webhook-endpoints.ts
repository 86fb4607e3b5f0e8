import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { WEBHOOK_CHANNELS } from './webhook-deliveries.ts';

/**
 * The health of one shop endpoint. A run of failures disables it: its
 * deliveries wait (still pending) until the merchant saves the setting again.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    channel: text('channel', { enum: WEBHOOK_CHANNELS }).notNull(),
    /** Failed attempts since the last success, and when that run of failures began. */
    failures: integer('failures').notNull().default(0),
    lastError: text('last_error'),
    failingSince: integer('failing_since', { mode: 'timestamp_ms' }),
    disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.channel] })],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
