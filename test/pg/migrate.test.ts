import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePg, openPg, pgMigrationsFolder } from '../../db/pg.ts';
import { TABLE_NAMES } from '../schema-tables.ts';
import { freshPgDatabase, type FreshPgDatabase } from './database.ts';

const made: FreshPgDatabase[] = [];
const folders: string[] = [];
afterAll(async () => {
  for (const database of made) await database.drop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function emptyDatabase() {
  const database = await freshPgDatabase({ empty: true });
  made.push(database);
  return database;
}

async function publicTables(database: FreshPgDatabase) {
  const { rows } = await database.db.$client.query<{ n: number }>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
  return rows[0]!.n;
}

/** How many migrations db/migrations-pg holds: a full run applies each once. */
const MIGRATIONS = (JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

async function applied(database: FreshPgDatabase) {
  const { rows } = await database.db.$client.query<{ n: number }>(`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]!.n;
}

/** db/migrations-pg with one more migration that creates, alters, then fails on its last statement. */
function withBrokenMigration(): string {
  const folder = mkdtempSync(join(tmpdir(), 'waitline-migrations-'));
  folders.push(folder);
  cpSync(pgMigrationsFolder, folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; when: number; tag: string }> };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_broken' });
  writeFileSync(journalFile, JSON.stringify(journal));
  writeFileSync(
    join(folder, '9999_broken.sql'),
    ['CREATE TABLE "half_applied" ("id" bigint);', 'ALTER TABLE "shops" ADD COLUMN "half" bigint;', 'INSERT INTO "no_such_table" VALUES (1);'].join('--> statement-breakpoint\n'),
  );
  return folder;
}

describe('PostgreSQL migrations', () => {
  it('apply to an empty database through node-postgres, and a second run changes nothing', async () => {
    const database = await emptyDatabase();
    await migratePg(database.db);
    expect(await publicTables(database)).toBe(TABLE_NAMES.length);
    expect(await applied(database)).toBe(MIGRATIONS);
    await migratePg(database.db);
    expect(await applied(database)).toBe(MIGRATIONS);
  });

  it('that fail halfway leave nothing applied, not even the migrations before them in the same run', async () => {
    const database = await emptyDatabase();
    // The error names the file that failed, with Postgres' own reason.
    await expect(migratePg(database.db, withBrokenMigration())).rejects.toThrow(/^Migration 9999_broken\.sql failed.*no_such_table/);
    expect(await publicTables(database)).toBe(0);
    expect(await applied(database)).toBe(0);
    const { rows } = await database.db.$client.query(`select proname from pg_proc where proname = 'signups_queue_follow'`);
    expect(rows).toEqual([]);
  });

  it('that fail on top of applied ones leave those as they were', async () => {
    const database = await emptyDatabase();
    await migratePg(database.db);
    await expect(migratePg(database.db, withBrokenMigration())).rejects.toThrow(/^Migration 9999_broken\.sql failed.*no_such_table/);
    expect(await applied(database)).toBe(MIGRATIONS);
    const { rows } = await database.db.$client.query(
      `select table_name as t, column_name as c from information_schema.columns where table_name = 'half_applied' or column_name = 'half'`,
    );
    expect(rows).toEqual([]);
  });

  it('run once when replicas start together: each waits for the advisory lock, then finds nothing pending', async () => {
    const database = await emptyDatabase();
    // Four replicas, each with its own pool, as four processes would have.
    const replicas = Array.from({ length: 4 }, () => openPg(database.url, { max: 2 }));
    try {
      const outcomes = await Promise.allSettled(replicas.map((replica) => migratePg(replica)));
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
    } finally {
      for (const replica of replicas) await replica.$client.end();
    }
    expect(await applied(database)).toBe(MIGRATIONS);
    expect(await publicTables(database)).toBe(TABLE_NAMES.length);
    // The lock is let go: nobody holds an advisory lock on this database once they are done (pg_locks
    // lists the whole server's, and other files' replicas hold their dispatch locks meanwhile).
    const { rows } = await database.db.$client.query(
      `select objid from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
    );
    expect(rows).toEqual([]);
  });
});
