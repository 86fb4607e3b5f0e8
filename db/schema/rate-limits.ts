import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Rate-limit counters shared by every replica on PostgreSQL
 * (rate-limiter-flexible's RateLimiterPostgres, db/rate-store.ts, writes them;
 * its columns, in this order, are the ones it inserts). SQLite counts in
 * memory, one process being the whole fleet there: this twin exists so both
 * engines have the same tables, and stays empty.
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  /** When the count lapses, epoch ms (the library's own clock); null never. */
  expire: integer('expire'),
});
