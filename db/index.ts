import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';
import { versionSource } from './changes.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export { schema };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) the SQLite file at `path` and applies every committed migration. */
export function createDb(path: string): { db: Db; sqlite: Database.Database } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL survives a killed process without losing committed transactions, and lets readers run beside the writer.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Savepoints (one per signup in a group commit) journal each page they touch.
  // On disk that journal spills to a temp file past 64 KiB: a file created,
  // written page by page and deleted in most group commits, two thirds of a
  // signup's write calls. In memory it is a copy.
  sqlite.pragma('temp_store = MEMORY');
  writeTransactionsWait(sqlite);
  const db = drizzle(sqlite, { schema });
  const plain = db.transaction.bind(db);
  db.transaction = ((fn, config) => plain(fn, { behavior: 'immediate', ...config })) as typeof db.transaction;
  migrate(db, { migrationsFolder });
  // After the migrations, so its triggers cover every table as it now stands.
  versionSource(sqlite);
  return { db, sqlite };
}

/**
 * Every transaction on this connection begins IMMEDIATE (`.deferred` still asks for the old kind).
 * A DEFERRED transaction reads under a snapshot and asks for the write lock only at its first
 * write; if another process committed in between, SQLite cannot wait its way out (the snapshot
 * is stale) and answers SQLITE_BUSY at once, busy_timeout or not: a 500 "database is locked"
 * whenever a second process shares the file. BEGIN IMMEDIATE takes the write lock first, so
 * busy_timeout applies and it waits its turn. Drizzle's `db.transaction` is given the same default
 * above; nested calls stay savepoints.
 */
function writeTransactionsWait(sqlite: Database.Database): void {
  const plain = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: never[]) => unknown) => plain(fn).immediate) as typeof sqlite.transaction;
}

/** A transaction handle; services that write take `Db | Tx` so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Memoises what `build` makes from a connection, once per connection: hot
 * paths keep their prepared statements instead of building SQL per request.
 */
export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let found = cache.get(db);
    if (!found) cache.set(db, (found = build(db)));
    return found;
  };
}
