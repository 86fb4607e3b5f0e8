import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * How many signups are `waiting` in each variant's line. SQLite triggers on
 * `signups` keep it (migration 0004), so every status change, whichever
 * service makes it, moves the count in the same statement. A new signup joins
 * at the tail, so its position is this count: one row read instead of a
 * count(*) that grows with the depth of the queue.
 */
export const queueCounts = sqliteTable(
  'queue_counts',
  {
    shopId: text('shop_id').notNull(),
    variantId: text('variant_id').notNull(),
    waiting: integer('waiting').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.variantId] })],
);
