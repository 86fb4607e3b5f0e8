import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../../db/index.ts';
import { rateCounter } from '../../db/rate-store.ts';
import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** Counts one hit for `key`; resolves 0 when allowed, else the seconds until the window resets. */
  hit(key: string, limit: number): Promise<number>;
}

/**
 * Fixed windows of `windowMs`, counted by rate-limiter-flexible in the
 * database's store (db/rate-store.ts): shared by every replica on PostgreSQL,
 * in memory on SQLite. The window is ours, read from `clock`: each key is
 * counted as `key@window`, so a window ends when the clock says, on every
 * replica alike, and a test moves it with its clock. The library counts and
 * forgets: a count lapses one window after its first hit, by the library's
 * own clock, which is after its window has ended.
 */
export function createRateLimiter(clock: Clock, db: Db, windowMs = 60_000): RateLimiter {
  const counterFor = memoByLimit(rateCounter(db), windowMs / 1000);
  return {
    async hit(key, limit) {
      // Off: nothing to count, and nothing to keep for every key seen.
      if (limit <= 0) return 0;
      const now = clock.now().getTime();
      const window = Math.floor(now / windowMs);
      if (await counted(counterFor(limit), `${key}@${window}`)) return 0;
      return Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    },
  };
}

/** One library limiter per limit in use (a limiter's points are fixed): there are two or three. */
function memoByLimit(make: (points: number, duration: number) => RateLimiterAbstract, duration: number) {
  const byLimit = new Map<number, RateLimiterAbstract>();
  return (limit: number) => {
    let limiter = byLimit.get(limit);
    if (!limiter) byLimit.set(limit, (limiter = make(limit, duration)));
    return limiter;
  };
}

/** True when the hit is within the limit. The library refuses with a RateLimiterRes; anything else is a fault and is thrown. */
async function counted(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}
