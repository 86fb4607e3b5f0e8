import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createDb, schema, type SqliteDb } from '../../db/index.ts';
import { openPg, type PgDb } from '../../db/pg.ts';
import { TEMPLATE } from './global-setup.ts';

export interface FreshPgDatabase {
  url: string;
  db: PgDb;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of this test file's own, copied from the migrated template: as
 * fast as copying files, with every migration (and its triggers) in place.
 * `empty` gives one with nothing in it yet, for tests of migrating itself.
 */
export async function freshPgDatabase(options: { empty?: boolean } = {}): Promise<FreshPgDatabase> {
  const server = inject('pgUrl');
  const name = `waitline_${randomBytes(6).toString('hex')}`;
  // FILE_COPY copies the template's files (~20 ms here); the default WAL_LOG writes every page to the WAL (~60 ms).
  await onServer(server, `create database ${name} template ${options.empty ? 'template0' : TEMPLATE} strategy file_copy`);
  const url = `${server}${name}`;
  const db = openPg(url, { max: 4 });
  return {
    url,
    db,
    async drop() {
      await db.$client.end();
      await onServer(server, `drop database if exists ${name} with (force)`);
    },
  };
}

async function onServer(server: string, statement: string): Promise<void> {
  const admin = openPg(`${server}postgres`, { max: 1 });
  try {
    await admin.$client.query(statement);
  } finally {
    await admin.$client.end();
  }
}

/**
 * The same database on SQLite: a temp file migrated by db/index.ts, to hold
 * Postgres' answers against, through a plain (synchronous, unguarded) Drizzle
 * handle: these tests are about the schema, not the services' seam.
 */
export function freshSqliteDatabase(): { db: SqliteDb; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-twin-'));
  const { sqlite, close } = createDb(join(dir, 'waitline.db'));
  return {
    db: drizzle(sqlite, { schema }) as SqliteDb,
    close() {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
