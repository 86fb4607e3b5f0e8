import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

/** Shopify's available count per inventory item and location; a variant's stock is their sum over counted locations. */
export const inventoryLevels = sqliteTable(
  'inventory_levels',
  {
    shopId: text('shop_id').notNull(),
    inventoryItemId: text('inventory_item_id').notNull(),
    locationId: text('location_id').notNull(),
    available: integer('available').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** The platform's `updated_at` of this level: an older report arriving late does not overwrite it. */
    reportedAt: integer('reported_at', { mode: 'timestamp_ms' }),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.inventoryItemId, t.locationId] })],
);
