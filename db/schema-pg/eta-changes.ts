import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/eta-changes.ts. */
export const etaChanges = pgTable(
  'eta_changes',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    fromEarliest: text('from_earliest'),
    fromLatest: text('from_latest'),
    toEarliest: text('to_earliest').notNull(),
    toLatest: text('to_latest').notNull(),
    reason: text('reason'),
    notified: int64('notified').notNull().default(0),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [index('eta_changes_variant_idx').on(t.shopId, t.variantId, t.id)],
);
