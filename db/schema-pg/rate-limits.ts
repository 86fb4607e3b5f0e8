import { pgTable, text } from 'drizzle-orm/pg-core';
import { int64 } from './columns.ts';

/**
 * The Postgres twin of db/schema/rate-limits.ts: the table
 * RateLimiterPostgres upserts into (`insert … values (key, points, expire)`,
 * so the column order is its). Created here, by a migration, so the library
 * never issues DDL (`tableCreated: true` in db/rate-store.ts).
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: int64('points').notNull().default(0),
  expire: int64('expire'),
});
