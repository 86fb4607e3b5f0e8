import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';
import { versionSource } from './changes.ts';
import { sharedHandleGuard } from './guard.ts';

/**
 * The services' handle, on either engine (db/open.ts). Typed as Drizzle's
 * asynchronous SQLite database: every query is awaited, which on
 * better-sqlite3 costs a microtask and on PostgreSQL is a round trip. Only
 * dialect-neutral calls belong in services: `await` a builder (or
 * `.execute()` a prepared one) for its rows, `affected(result)` (db/raw.ts)
 * for a write's count; `.get()`, `.all()`, `.run()` and `$client` exist on
 * SQLite only (test/unit/engine-neutral.test.ts holds server/ to that).
 */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema> & { $client: Database.Database };
/** The SQLite connection's own Drizzle handle, for db/ internals that run on SQLite only. */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export { schema };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file at `path` and applies every
 * committed migration. Two connections, as PostgreSQL has a pool: `sqlite`
 * is the writer's (db/transaction.ts runs every transaction on it, and its
 * TEMP triggers report writes to the version source), and the services'
 * shared handle `db` reads through another, so a read never sees rows of a
 * transaction that has not committed (WAL gives each statement the last
 * committed snapshot). `:memory:` is one connection: a second would be
 * another database.
 */
export function createDb(path: string): { db: Db; sqlite: Database.Database; close(): void } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = connect(path);
  migrate(drizzle(sqlite), { migrationsFolder });
  // After the migrations, so its triggers cover every table as it now stands.
  versionSource(sqlite);
  const reader = path === ':memory:' ? sqlite : connect(path);
  const db = drizzle(reader, { schema, logger: sharedHandleGuard(reader) });
  refuseOwnTransactions(db);
  writers.set(db, sqlite);
  return {
    db: db as unknown as Db,
    sqlite,
    close() {
      if (reader !== sqlite) reader.close();
      sqlite.close();
    },
  };
}

function connect(path: string): Database.Database {
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
  return sqlite;
}

const writers = new WeakMap<object, Database.Database>();

/** The connection a SQLite handle's transactions run on (see createDb). */
export function sqliteWriter(db: Db): Database.Database {
  return writers.get(db) ?? db.$client;
}

/** Drizzle's own `db.transaction` would run beside db/transaction.ts' writer (and on SQLite, synchronously). */
export function refuseOwnTransactions(db: { transaction: unknown }): void {
  db.transaction = () => {
    throw new Error('Use transaction(db, async (tx) => …) from db/transaction.ts');
  };
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

declare const inTransaction: unique symbol;
/**
 * The handle a `transaction(db, …)` body gets (db/transaction.ts). Every write
 * takes one, so no service can write through `deps.db` beside the
 * transaction it was called in; reads that may run either way take `DbOrTx`.
 */
export type Tx = Db & { readonly [inTransaction]: true };
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
