import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Deps } from '../context.ts';

export interface RequestRecord {
  method: string;
  /** The matched route pattern (`/s/:token`), never the path itself: paths carry tokens. */
  route: string;
  status: number;
  ms: number;
}

/**
 * One log line per request, through the server's logger (`deps.log`, JSON on
 * stdout): method, route pattern, status and duration. Nothing else: no raw
 * path, no query string, no address, no header, so no token, key or email.
 * `observe` gets the same record (the request metrics).
 */
export function requestLog(log: Deps['log'], observe: (r: RequestRecord) => void = () => {}): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const record: RequestRecord = {
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    observe(record);
    log('request', { ...record });
  };
}

/**
 * The pattern of the handler that answered: after `next()` Hono's route index
 * is the last handler that ran. A request no route matched ends in a wildcard
 * middleware, so it reads as that (`/*`), whatever its path was.
 */
function routeOf(c: Parameters<MiddlewareHandler>[0]): string {
  return routePath(c) || '*';
}
