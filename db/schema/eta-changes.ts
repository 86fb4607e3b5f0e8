import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/** One real change of a variant's ETA range; its id keys the notices, so each customer hears of it once. */
export const etaChanges = sqliteTable(
  'eta_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    fromEarliest: text('from_earliest'),
    fromLatest: text('from_latest'),
    toEarliest: text('to_earliest').notNull(),
    toLatest: text('to_latest').notNull(),
    reason: text('reason'),
    notified: integer('notified').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('eta_changes_variant_idx').on(t.shopId, t.variantId, t.id)],
);

export type EtaChange = typeof etaChanges.$inferSelect;
