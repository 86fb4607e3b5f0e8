import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'drizzle-orm';

/**
 * Off when `NODE_ENV=production`. On Node 20 an AsyncLocalStorage, once entered,
 * turns on promise hooks for every promise in the process: measured at 8–12% of
 * a signup's CPU. Tests and development keep the checks, and the test suites
 * run every path that could misuse `deps.db` or nest a transaction.
 */
const guarding = process.env.NODE_ENV !== 'production';
const context = new AsyncLocalStorage<ReadonlySet<object>>();

/**
 * The connections (a better-sqlite3 Database, a pg Pool) whose transaction the
 * current async context runs in. db/transaction.ts enters it around each body.
 */
export const insideTransaction = {
  has: (client: object): boolean => guarding && (context.getStore()?.has(client) ?? false),
  run: <T>(clients: ReadonlySet<object>, body: () => T): T => (guarding ? context.run(clients, body) : body()),
};

/**
 * The Drizzle logger of the services' shared handle (`deps.db`) on `client`.
 * It refuses what would quietly break a transaction:
 * - a write through it: writes belong to a transaction's own handle. On SQLite
 *   it would commit alone, or inside some other body's transaction on the same
 *   connection; on PostgreSQL it would run on another client of the pool.
 * - any query through it from inside a transaction on the same database: on
 *   PostgreSQL that reads another client's view, without the body's own writes.
 */
export function sharedHandleGuard(client: object): Logger {
  return {
    logQuery(query) {
      if (insideTransaction.has(client)) {
        throw new Error(`deps.db used inside a transaction: pass the tx you were given (${query.slice(0, 60)})`);
      }
      if (/^\s*(insert|update|delete|replace)\b/i.test(query)) {
        throw new Error(`A write outside a transaction: run it in transaction(db, …) (db/transaction.ts): ${query.slice(0, 80)}`);
      }
    },
  };
}
