import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/platform-order-lines.ts. */
export const platformOrderLines = pgTable(
  'platform_order_lines',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    orderId: text('order_id').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: int64('quantity').notNull(),
    price: int64('price').notNull(),
    placedAt: timestampMs('placed_at').notNull(),
    receivedAt: timestampMs('received_at').notNull(),
    status: text('status', { enum: ['pending', 'judged'] }).notNull().default('pending'),
    backordered: int64('backordered').notNull().default(0),
  },
  (t) => [index('platform_order_lines_variant_idx').on(t.shopId, t.variantId, t.placedAt)],
);
