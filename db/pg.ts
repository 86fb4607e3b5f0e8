import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema-pg/index.ts';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export { schema as pgSchema };

export const pgMigrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/** A pool on `url` with Drizzle over it (db/schema-pg). Nothing is migrated: see migratePg. */
export function openPg(url: string, pool: pg.PoolConfig = {}): PgDb {
  return drizzle(new pg.Pool({ connectionString: url, ...pool }), { schema });
}

/**
 * Applies every pending migration of db/migrations-pg. Drizzle runs them all in
 * one transaction, and Postgres' DDL is transactional: a migration that fails
 * halfway leaves the database as it was before the first of them.
 */
export async function migratePg(db: PgDb, migrationsFolder = pgMigrationsFolder): Promise<void> {
  await migrate(db, { migrationsFolder });
}
