import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/**
 * The Postgres twin of db/schema/suppliers.ts. SQLite matches names with
 * `collate nocase`, which folds ASCII letters only; `lower()` under the "C"
 * collation folds exactly those, whatever the database's locale, so "KILN & CO"
 * and "kiln & co" are one supplier on both engines and "É" and "é" are two.
 */
export const suppliers = pgTable(
  'suppliers',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    name: text('name').notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [uniqueIndex('suppliers_shop_name_idx').on(t.shopId, sql`lower(${t.name} collate "C")`)],
);
