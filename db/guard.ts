import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'drizzle-orm';

/**
 * The connections (a better-sqlite3 Database, a pg Pool) whose transaction the
 * current async context runs in. db/transaction.ts enters it around each body.
 */
export const insideTransaction = new AsyncLocalStorage<ReadonlySet<object>>();

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
      if (insideTransaction.getStore()?.has(client)) {
        throw new Error(`deps.db used inside a transaction: pass the tx you were given (${query.slice(0, 60)})`);
      }
      if (/^\s*(insert|update|delete|replace)\b/i.test(query)) {
        throw new Error(`A write outside a transaction: run it in transaction(db, …) (db/transaction.ts): ${query.slice(0, 80)}`);
      }
    },
  };
}
