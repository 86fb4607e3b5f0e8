import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema-pg/index.ts';
import { refuseOwnTransactions, schema as tables, type Db } from './index.ts';
import { sharedHandleGuard } from './guard.ts';
import { migrateUnderLock } from './pg-migrate.ts';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export { schema as pgSchema };

// Counts, sums, ids and epoch-ms timestamps as numbers, as SQLite gives them
// (every one fits 2^53); `json` as its text, which the tables' columns parse.
// Process-wide: node-postgres reads these parsers per query, and Drizzle's
// driver asks for the global ones.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
pg.types.setTypeParser(pg.types.builtins.JSON, (text: string) => text);

export const pgMigrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/** A pool on `url` with Drizzle over it (db/schema-pg). Nothing is migrated: see migratePg. */
export function openPg(url: string, pool: pg.PoolConfig = {}): PgDb {
  return drizzle(new pg.Pool({ connectionString: url, ...pool }), { schema });
}

/**
 * The services' handle on PostgreSQL: Drizzle's node-postgres driver over a
 * pool, with the tables of db/schema. Those are SQLite table objects, but a
 * table is only names to Drizzle's query builder: the Postgres dialect quotes
 * and numbers them its own way, and test/unit/schema-parity.test.ts holds the
 * two schemas to the same tables, columns and row types, so the same service
 * code runs on both engines. db/schema-pg is what migrations and moving data
 * are made from. Writes through this handle are refused: they belong in
 * `transaction` (db/transaction.ts), which runs them on one client.
 */
export function servicesHandle(pool: pg.Pool): Db {
  const db = drizzle(pool, { schema: tables, logger: sharedHandleGuard(pool) });
  refuseOwnTransactions(db);
  return db as unknown as Db;
}

/**
 * Applies every pending migration of db/migrations-pg, once however many
 * replicas call it at the same time (an advisory lock), all in one transaction,
 * and names the migration that failed: see db/pg-migrate.ts. In that same
 * transaction the change triggers (db/changes.ts) are brought in line with the
 * tables, so a new table is tracked from its first row.
 */
export async function migratePg(db: PgDb, migrationsFolder = pgMigrationsFolder): Promise<void> {
  await migrateUnderLock(db.$client, migrationsFolder);
}

/**
 * The pool for the server's start: it has answered one query, or this throws an
 * Error whose message is one line naming the server (never its password) and
 * why, for the server to print before it exits 1.
 */
export async function connectPg(url: string, pool: pg.PoolConfig = {}): Promise<PgDb> {
  const where = describeUrl(url);
  const db = openPg(url, { connectionTimeoutMillis: 5_000, ...pool });
  // An idle client that loses its server emits on the pool; unheard, that would crash the process.
  db.$client.on('error', () => {});
  try {
    await db.$client.query('select 1');
    return db;
  } catch (error) {
    await db.$client.end().catch(() => {});
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
    throw new Error(`Cannot connect to PostgreSQL at ${where}: ${reason.split('\n')[0]}`);
  }
}

/** `host:port/database` of a postgres:// URL, or a clear error for anything else. */
function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  if (!parsed.hostname) throw new Error('DATABASE_URL names no host: expected postgres://user:password@host:5432/database');
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
