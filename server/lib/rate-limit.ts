import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** Counts one hit for `key`; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, limit: number): number;
}

/**
 * Fixed one-minute windows in memory. Good for one process; a multi-process
 * deployment would put this in a shared store.
 */
export function createRateLimiter(clock: Clock, windowMs = 60_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    hit(key, limit) {
      // Off: nothing to count, and nothing to keep for every key seen.
      if (limit <= 0) return 0;
      const now = clock.now().getTime();
      if (now - lastSweep > windowMs) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
        lastSweep = now;
      }
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count <= limit) return 0;
      return Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
    },
  };
}
