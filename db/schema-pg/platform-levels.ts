import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/platform-levels.ts. */
export const platformLevels = pgTable(
  'platform_levels',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    at: timestampMs('at').notNull(),
    level: int64('level').notNull(),
  },
  (t) => [index('platform_levels_variant_idx').on(t.shopId, t.variantId, t.at)],
);
