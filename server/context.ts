import { Hono } from 'hono';
import type { Db } from '../db/index.ts';
import type { Shop } from '../db/schema/index.ts';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import type { Transports } from './transports/types.ts';
import type { OutboundNet } from './net/guarded.ts';
import type { RateLimiter } from './lib/rate-limit.ts';
import type { Sealer } from './lib/secrets.ts';
import type { Actor } from './services/people/roles.ts';

/** Everything a service may touch, passed in so tests can swap the clock, the file and the transports. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  transports: Transports;
  limiter: RateLimiter;
  /** Signs click-tracking links (`server/lib/signing.ts`). */
  secret: string;
  /** Seals and opens store credentials kept at rest, with WAITLINE_SECRET_KEY. */
  secrets: Sealer;
  /** Tells the dispatcher that new messages were committed; a no-op where nothing dispatches. */
  wake: () => void;
  /** Name resolution and sockets for URLs shops give us (webhooks, store APIs); tests inject their own. */
  net: OutboundNet;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AppEnv {
  /**
   * `actor` is set on admin routes: who is calling, and with which role.
   * `dryRun` is set by a write route that answered a dry run: nothing changed, so nothing is audited.
   */
  Variables: { deps: Deps; shop: Shop; actor: Actor; dryRun: boolean };
}

/** Every sub-app starts here, so the typed env is fixed in one place. */
export const createRouter = () => new Hono<AppEnv>();
