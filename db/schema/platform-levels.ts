import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * A connected platform's level for a variant as it stood at `at` (the
 * platform's own timestamp, or the moment reconciliation read it). Kept as a
 * short history so an order can be judged against the level that includes it,
 * whatever order the webhooks arrive in; pruned once no pending order needs it.
 */
export const platformLevels = sqliteTable(
  'platform_levels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    level: integer('level').notNull(),
  },
  (t) => [index('platform_levels_variant_idx').on(t.shopId, t.variantId, t.at)],
);

export type PlatformLevel = typeof platformLevels.$inferSelect;
