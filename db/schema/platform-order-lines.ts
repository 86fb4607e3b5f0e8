import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * An order line placed on a connected platform, with the platform's order
 * time: the platform's level already counts it from `placedAt` on. `pending`
 * until its shortfall is judged against the level that includes it.
 */
export const platformOrderLines = sqliteTable(
  'platform_order_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    orderId: text('order_id').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    price: integer('price').notNull(),
    placedAt: integer('placed_at', { mode: 'timestamp_ms' }).notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    status: text('status', { enum: ['pending', 'judged'] }).notNull().default('pending'),
    backordered: integer('backordered').notNull().default(0),
  },
  (t) => [index('platform_order_lines_variant_idx').on(t.shopId, t.variantId, t.placedAt)],
);

export type PlatformOrderLine = typeof platformOrderLines.$inferSelect;
