import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from '../context.ts';
import { RateLimited } from './errors.ts';

/**
 * The client's IP. Behind N trusted proxies, X-Forwarded-For is read from the right:
 * each proxy appends the address it saw, so the Nth entry from the right was written by
 * our outermost proxy and everything left of it is whatever the client chose to send.
 * With fewer entries than hops the client reached one of our inner proxies directly, so
 * every entry was written by a proxy we trust and the leftmost is the client.
 */
export function clientIp(c: Context<AppEnv>): string {
  const hops = c.get('deps').config.trustProxy;
  if (hops > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '').split(',').map((e) => e.trim());
    const forwarded = entries[Math.max(0, entries.length - hops)];
    if (forwarded) return forwarded;
  }
  return socketIp(c);
}

function socketIp(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}

/** Counts a hit and throws 429 (with Retry-After, set by onError) when over the limit. */
export async function rateLimit(c: Context<AppEnv>, key: string, limit: number): Promise<void> {
  const retryAfter = await c.get('deps').limiter.hit(key, limit);
  if (retryAfter > 0) throw RateLimited(retryAfter);
}

/** The token of an `Authorization: Bearer …` header. */
export const bearer = (c: Context) => c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
