import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { engineOf } from './engine.ts';
import type { Db } from './index.ts';

/** A counter of `points` hits per key, each key lapsing `duration` seconds after its first hit. */
export type RateCounter = (points: number, duration: number) => RateLimiterAbstract;

/**
 * Where rate-limit hits are counted. On PostgreSQL, the `rate_limits` table
 * (db/schema-pg/rate-limits.ts), so every replica counts against one limit:
 * each hit is one atomic upsert on the pool, outside any transaction. On
 * SQLite, memory: one process serves the database, so it is the whole fleet.
 */
export function rateCounter(db: Db): RateCounter {
  if (engineOf(db) === 'sqlite') return (points, duration) => new RateLimiterMemory({ points, duration });
  const pool = db.$client as unknown as pg.Pool;
  return (points, duration) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      // The migration made the table: the library never issues DDL.
      tableCreated: true,
      points,
      duration,
      // A key over its limit is refused from memory until its count lapses: a flood costs one upsert per replica, not one per request.
      inMemoryBlockOnConsumed: points + 1,
      // The store unreachable or failing: count in this process instead of refusing everyone or no one. The limit
      // becomes per replica (N× across the fleet) until the store answers again, which still caps a bot.
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
}
