import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/** One rise in a variant's inventory and what allocation did with it. */
export const restocks = sqliteTable(
  'restocks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    fromInventory: integer('from_inventory').notNull(),
    toInventory: integer('to_inventory').notNull(),
    /** The part of the rise above zero: units for waitlist and pre-order allocation. */
    units: integer('units').notNull(),
    /** The part of the rise below zero: units owed to backorders. */
    backorderUnits: integer('backorder_units').notNull(),
    backordersServed: integer('backorders_served').notNull().default(0),
    offered: integer('offered').notNull().default(0),
    unitsHeld: integer('units_held').notNull().default(0),
    stillWaiting: integer('still_waiting').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('restocks_variant_idx').on(t.shopId, t.variantId, t.id)],
);

export type Restock = typeof restocks.$inferSelect;
