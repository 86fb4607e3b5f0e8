import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from '../context.ts';
import { RateLimited } from './errors.ts';

/** The client's IP: X-Forwarded-For only behind a trusted proxy, else the socket's address. */
export function clientIp(c: Context<AppEnv>): string {
  if (c.get('deps').config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}

/** Counts a hit and throws 429 (with Retry-After, set by onError) when over the limit. */
export function rateLimit(c: Context<AppEnv>, key: string, limit: number): void {
  const retryAfter = c.get('deps').limiter.hit(key, limit);
  if (retryAfter > 0) throw RateLimited(retryAfter);
}

/** The token of an `Authorization: Bearer …` header. */
export const bearer = (c: Context) => c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
