import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export interface OrderLine {
  variantId: string;
  quantity: number;
  /** Minor units, per unit. */
  price: number;
  /** Units that came from a hold, from public stock, and that are owed (backordered). */
  fromHold: number;
  fromStock: number;
  backordered: number;
}

/** An order seen once: the platform's id makes a repeat delivery a no-op. */
export const orders = sqliteTable(
  'orders',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    id: text('id').notNull(),
    /** The order number customers know (Shopify `name` "#1042", WooCommerce `number`); the id when the platform has none. */
    name: text('name').notNull(),
    contactId: integer('contact_id'),
    currency: text('currency').notNull(),
    total: integer('total').notNull(),
    lines: text('lines', { mode: 'json' }).$type<OrderLine[]>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);

export type Order = typeof orders.$inferSelect;
