import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * A shop's supplier. Created by name the first time a purchase order names it;
 * its delivery record lives in `po_receipts`, not in cached numbers here.
 * Names are matched without regard to case: "Kiln & Co" and "KILN & CO" are
 * one supplier with one record, under the name first used.
 */
export const suppliers = sqliteTable(
  'suppliers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    name: text('name').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('suppliers_shop_name_idx').on(t.shopId, sql`${t.name} collate nocase`)],
);

export type Supplier = typeof suppliers.$inferSelect;
