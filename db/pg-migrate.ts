import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type pg from 'pg';
import { installPgChangeTriggers } from './changes.ts';

/**
 * Any fixed number, the same in every replica: whoever holds this advisory
 * lock migrates, the others wait for it and then find nothing pending.
 */
export const MIGRATION_LOCK_KEY = 0x5741_4954; // "WAIT"

/**
 * Applies every pending migration of `folder`, as drizzle's node-postgres
 * migrator does and into the same `drizzle.__drizzle_migrations` table, with
 * two differences. It holds a session advisory lock on one dedicated
 * connection, so replicas that start together migrate once. And an error names
 * the migration it came from (its journal tag): drizzle's own runs every pending
 * migration in one anonymous transaction. Here too they share one transaction,
 * and Postgres' DDL is transactional, so a migration that fails leaves the
 * database as it was before the first of them. The same transaction, pending
 * migrations or not, ends by installing the change triggers of db/changes.ts
 * (idempotent: with them in place it changes nothing).
 */
export async function migrateUnderLock(pool: pg.Pool, folder: string): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const tags = journalTags(folder);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('create schema if not exists drizzle');
      await client.query('create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
      const { rows } = await client.query<{ at: string | null }>('select max(created_at)::text as at from drizzle.__drizzle_migrations');
      const last = rows[0]?.at == null ? undefined : Number(rows[0].at);
      const pending = migrations.map((m, i) => ({ ...m, tag: tags[i] ?? `#${i}` })).filter((m) => last === undefined || last < m.folderMillis);
      await client.query('begin');
      try {
        for (const migration of pending) {
          try {
            for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
          } catch (error) {
            throw new MigrationError(migration.tag, error);
          }
          await client.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [migration.hash, migration.folderMillis]);
        }
        // In the same transaction, from the catalog as the migrations left it: the triggers follow every
        // table (db/changes.ts). With nothing pending and the triggers in place, this changes nothing.
        await installPgChangeTriggers(client);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    // A connection that failed mid-way may hold the lock or a broken transaction: close it rather than pool it.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A failed migration, named by its file. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`Migration ${migration}.sql failed, nothing was applied: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/** The journal's tags in migration order: readMigrationFiles returns the migrations in that order but without names. */
function journalTags(folder: string): string[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  return journal.entries.map((entry) => entry.tag);
}
