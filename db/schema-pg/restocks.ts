import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/restocks.ts. */
export const restocks = pgTable(
  'restocks',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    fromInventory: int64('from_inventory').notNull(),
    toInventory: int64('to_inventory').notNull(),
    units: int64('units').notNull(),
    backorderUnits: int64('backorder_units').notNull(),
    backordersServed: int64('backorders_served').notNull().default(0),
    offered: int64('offered').notNull().default(0),
    unitsHeld: int64('units_held').notNull().default(0),
    stillWaiting: int64('still_waiting').notNull().default(0),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [index('restocks_variant_idx').on(t.shopId, t.variantId, t.id)],
);
