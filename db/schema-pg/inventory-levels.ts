import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';

/** The Postgres twin of db/schema/inventory-levels.ts. */
export const inventoryLevels = pgTable(
  'inventory_levels',
  {
    shopId: text('shop_id').notNull(),
    inventoryItemId: text('inventory_item_id').notNull(),
    locationId: text('location_id').notNull(),
    available: int64('available').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
    reportedAt: timestampMs('reported_at'),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.inventoryItemId, t.locationId] })],
);
