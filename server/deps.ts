import { openDatabase, type OpenDatabase } from '../db/open.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createRateLimiter } from './lib/rate-limit.ts';
import { systemNet } from './net/guarded.ts';
import { signingSecret } from './lib/signing.ts';
import { sealer } from './lib/secrets.ts';
import { createOutboxTransport } from './transports/outbox.ts';
import { createTransports } from './transports/index.ts';

export type ServerDeps = Deps & Pick<OpenDatabase, 'engine' | 'where'> & { close(): Promise<void> };

/**
 * Wires the real parts from a config: the database (PostgreSQL when
 * `DATABASE_URL` is set, else the SQLite file), the transports the keys allow,
 * the clock. Throws when PostgreSQL cannot be reached, with a one-line message.
 */
export async function createDeps(config: Config, overrides: { clock?: Clock; log?: Deps['log'] } = {}): Promise<ServerDeps> {
  const clock = overrides.clock ?? systemClock;
  const database = await openDatabase(config);
  const transports = createTransports(config, clock, {
    email: createOutboxTransport('email'),
    sms: createOutboxTransport('sms'),
  });
  return {
    db: database.db,
    engine: database.engine,
    where: database.where,
    clock,
    config,
    transports,
    limiter: createRateLimiter(clock, database.db),
    secret: await signingSecret(database.db),
    secrets: sealer(config.secretKey),
    wake: () => {},
    net: { ...systemNet },
    log:
      overrides.log ??
      ((message, fields) => console.log(JSON.stringify({ at: clock.now().toISOString(), message, ...fields }))),
    close: () => database.close(),
  };
}
