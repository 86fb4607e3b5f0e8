import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { getTableName } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lite from '../../db/schema/index.ts';
import * as pgs from '../../db/schema-pg/index.ts';
import type { Tx } from '../../db/index.ts';
import * as pgLocks from '../../db/sql/pg/locks.ts';
import { copySqliteToPg, CopyRefused } from '../../db/to-postgres.ts';
import { TABLE_NAMES } from '../schema-tables.ts';
import { freshPgDatabase, type FreshPgDatabase } from './database.ts';
import { seededSqlite } from './seeded-sqlite.ts';

const made: FreshPgDatabase[] = [];
const MIGRATIONS = (JSON.parse(readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] }).entries.length;
let source: Awaited<ReturnType<typeof seededSqlite>>;
beforeAll(async () => {
  source = await seededSqlite();
}, 60_000);
afterAll(async () => {
  for (const database of made) await database.drop();
  source?.remove();
});

async function database(options: { empty?: boolean }) {
  const made1 = await freshPgDatabase(options);
  made.push(made1);
  return made1;
}

/** Every table of the source as Drizzle reads it, opened read-only. */
function sourceRows() {
  const sqlite = new Database(source.path, { readonly: true, fileMustExist: true });
  try {
    const db = drizzle(sqlite, { schema: lite });
    return Object.fromEntries(TABLE_NAMES.map((table) => [table, db.select().from(lite[table]).all() as object[]]));
  } finally {
    sqlite.close();
  }
}

/** Rows in one order whatever order either engine returns them in; values keep their classes (Date, number, boolean, null). */
const normalised = (rows: object[]) => rows.map((r) => [JSON.stringify(r), r] as const).sort(([a], [b]) => a.localeCompare(b));

const cli = promisify(execFile);
const runCli = (...args: string[]) =>
  cli('npx', ['tsx', 'db/to-postgres-cli.ts', ...args], { encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('npm run migrate:to-postgres', () => {
  it('copies every row of a shop the services wrote into an empty database, and prints the counts', async () => {
    const target = await database({ empty: true });
    const { code, stdout, stderr } = await runCli('--from', source.path, '--to', target.url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const expected = sourceRows();
    for (const table of TABLE_NAMES) {
      const copied = await target.db.select().from(pgs[table]);
      expect(normalised(copied), table).toEqual(normalised(expected[table]!));
      const name = getTableName(pgs[table]);
      expect(stdout, table).toMatch(new RegExp(`^${name} +${expected[table]!.length} +${expected[table]!.length}$`, 'm'));
    }
    // The seed wrote what a copy can get wrong: lines in order, offers, message history, orders, escalations.
    for (const table of ['signups', 'queueCounts', 'offers', 'messages', 'jobs', 'orders', 'backorders', 'escalations', 'purchaseOrders'] as const) {
      expect(expected[table]!.length, table).toBeGreaterThan(0);
    }
    expect(stdout).toMatch(new RegExp(`^Copied \\d+ rows of ${TABLE_NAMES.length} tables from .* in \\d+\\.\\d s; every count matches\\.$`, 'm'));
    // JSON arrives as the very text SQLite held, not parsed and printed again.
    const sqlite = new Database(source.path, { readonly: true });
    const props = sqlite.prepare('select id, props, headers from messages order by id').all();
    sqlite.close();
    const { rows } = await target.db.$client.query('select id::int as id, props::text as props, headers::text as headers from messages order by id');
    expect(rows).toEqual(props);
  });

  it('continues every id after the highest the source gave out', async () => {
    const target = await database({ empty: true });
    await copySqliteToPg(source.path, target.db);
    const expected = sourceRows();
    const highest = (rows: object[]) => Math.max(...rows.map((r) => (r as { id: number }).id));
    const [shop] = await target.db.select().from(pgs.shops);
    const [contact] = await target.db
      .insert(pgs.contacts)
      .values({ shopId: shop!.id, email: 'new@example.com', token: 'c_new', createdAt: new Date() })
      .returning();
    expect(contact!.id).toBe(highest(expected.contacts!) + 1);
    const [message] = await target.db.$client.query<{ id: string }>(
      `insert into messages (shop_id, contact_id, public_id, template, channel, "to", props, status, idempotency_key, send_after, created_at)
       values ($1, $2, 'm_new', 'offer', 'email', 'new@example.com', '{}', 'queued', 'k_new', 0, 0) returning id`,
      [shop!.id, contact!.id],
    ).then((r) => r.rows);
    expect(Number(message!.id)).toBe(highest(expected.messages!) + 1);
  });

  it('numbers a place taken after the copy past every copied one', async () => {
    const target = await database({ empty: true });
    await copySqliteToPg(source.path, target.db);
    const copied = sourceRows().signups as Array<{ shopId: string; seq: number }>;
    expect(copied.length).toBeGreaterThan(0);
    const highestSeq = Math.max(...copied.map((s) => s.seq));
    // The numbers a signup on PostgreSQL draws (server/services/signups/position.ts), not max(seq) + 1.
    const drawn = await pgLocks.nextSeqs(target.db as unknown as Tx, copied[0]!.shopId, 3);
    expect(drawn).toEqual([highestSeq + 1, highestSeq + 2, highestSeq + 3]);
  });

  it('refuses a target with any row, exits 1 and leaves it as it was', async () => {
    const target = await database({});
    await target.db.insert(pgs.kv).values({ key: 'mine', value: 'keep' });
    const { code, stdout, stderr } = await runCli('--from', source.path, '--to', target.url);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('Nothing was copied. The target database is not empty (rows in kv): copy into a new, empty database');
    for (const table of TABLE_NAMES) {
      const rows = await target.db.select().from(pgs[table]);
      expect(rows, table).toEqual(table === 'kv' ? [{ key: 'mine', value: 'keep' }] : []);
    }
  });

  it.each([
    ['a table it would leave behind', `create table notes (id integer primary key, body text); insert into notes values (1, 'keep me')`, /^The SQLite database has tables this version does not know, and would not copy: notes$/],
    ['a schema older than this version', `delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)`, new RegExp(`^The SQLite database has ${MIGRATIONS - 1} of ${MIGRATIONS} migrations: start this version of Waitline on it once`)],
  ])('refuses a source with %s, before touching the target', async (_, change, expected) => {
    const altered = `${source.path}.altered`;
    copyFileSync(source.path, altered);
    const sqlite = new Database(altered);
    sqlite.exec(change);
    sqlite.close();
    const target = await database({ empty: true });
    const refused = await copySqliteToPg(altered, target.db).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CopyRefused);
    expect((refused as Error).message).toMatch(expected);
    const { rows } = await target.db.$client.query(`select tablename from pg_tables where schemaname = 'public'`);
    expect(rows).toEqual([]);
  });
});
