import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { WEBHOOK_CHANNELS } from '../schema/webhook-deliveries.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/webhook-endpoints.ts. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    channel: text('channel', { enum: WEBHOOK_CHANNELS }).notNull(),
    failures: int64('failures').notNull().default(0),
    lastError: text('last_error'),
    failingSince: timestampMs('failing_since'),
    disabledAt: timestampMs('disabled_at'),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.channel] })],
);
