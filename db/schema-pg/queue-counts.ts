import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { int64 } from './columns.ts';

/**
 * The Postgres twin of db/schema/queue-counts.ts. Statement-level triggers on
 * `signups` keep it, hand-written at the end of db/migrations-pg/0000.
 */
export const queueCounts = pgTable(
  'queue_counts',
  {
    shopId: text('shop_id').notNull(),
    variantId: text('variant_id').notNull(),
    waiting: int64('waiting').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.variantId] })],
);
