import { createDb } from '../db/index.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createRateLimiter } from './lib/rate-limit.ts';
import { systemNet } from './net/guarded.ts';
import { signingSecret } from './lib/signing.ts';
import { createOutboxTransport } from './transports/outbox.ts';
import { createTransports } from './transports/index.ts';

/** Wires the real parts from a config: the SQLite file, the transports the keys allow, the clock. */
export function createDeps(config: Config, overrides: { clock?: Clock; log?: Deps['log'] } = {}): Deps & { close(): void } {
  const clock = overrides.clock ?? systemClock;
  const { db, sqlite } = createDb(config.dbPath);
  const transports = createTransports(config, clock, {
    email: createOutboxTransport('email'),
    sms: createOutboxTransport('sms'),
  });
  return {
    db,
    clock,
    config,
    transports,
    limiter: createRateLimiter(clock),
    secret: signingSecret(db),
    wake: () => {},
    net: { ...systemNet },
    log:
      overrides.log ??
      ((message, fields) => console.log(JSON.stringify({ at: clock.now().toISOString(), message, ...fields }))),
    close: () => sqlite.close(),
  };
}
