import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { getTableColumns, getTableName, is, type Column } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import * as liteSchema from './schema/index.ts';
import { migratePg, pgSchema, type PgDb } from './pg.ts';
import { tablesInKeyOrder } from './table-order.ts';

/** Rows per INSERT: big enough that a million rows are a thousand round trips, small enough to stay far below 65,535 parameters. */
const BATCH_ROWS = 1_000;

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

/** Why nothing was copied: a target with rows, a source this version cannot read whole. */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/**
 * Copies every row of the SQLite file `from` into the PostgreSQL database `to`,
 * which must be empty: ids, tokens, instants, JSON text (byte for byte: Postgres'
 * `json` keeps it as given) and queue order (`seq`) as they are. It migrates the
 * target, then copies in one transaction that ends with a count per table: any
 * difference and nothing is committed. Tables go parents first (their foreign
 * keys say which). Postgres' own triggers are off while it copies, so
 * `queue_counts`, which they keep, arrives as the source's rows rather than
 * rebuilt from the signups; they are back on before the commit. Each identity
 * continues past the highest id the source ever gave (sqlite_sequence), and
 * places past the highest `seq`, so no id or place number is handed out twice.
 */
export async function copySqliteToPg(from: string, to: PgDb, batchRows = BATCH_ROWS): Promise<TableCount[]> {
  if (!existsSync(from)) throw new CopyRefused(`No SQLite database at ${from}`);
  const sqlite = new Database(from, { readonly: true, fileMustExist: true });
  try {
    checkSource(sqlite);
    await refuseNonEmpty(to.$client);
    await migratePg(to);
    const client = await to.$client.connect();
    let failed: unknown;
    try {
      await client.query('begin');
      // One snapshot of the source for the whole copy, however long it takes.
      sqlite.exec('begin');
      const counts = await copyAll(sqlite, client, batchRows);
      await client.query('commit');
      return counts;
    } catch (error) {
      failed = error;
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      if (sqlite.inTransaction) sqlite.exec('rollback');
      client.release(failed instanceof Error ? failed : undefined);
    }
  } finally {
    sqlite.close();
  }
}

async function copyAll(sqlite: Database.Database, client: pg.PoolClient, batchRows: number): Promise<TableCount[]> {
  // Again inside the transaction: nobody wrote between the first look and now.
  await refuseNonEmpty(client);
  const tables = tablesInKeyOrder(pgSchema);
  const names = tables.map(({ table }) => quote(getTableName(table)));
  // ACCESS EXCLUSIVE locks too: no one else writes into a half-copied database.
  for (const name of names) await client.query(`alter table ${name} disable trigger user`);
  for (const { key, table } of tables) await copyTable(sqlite, client, key, getTableColumns(table), getTableName(table), batchRows);
  for (const name of names) await client.query(`alter table ${name} enable trigger user`);
  await continueIdentities(sqlite, client);
  await continuePlaces(client);
  const counts: TableCount[] = [];
  for (const { table } of tables) {
    const name = getTableName(table);
    const source = (sqlite.prepare(`select count(*) as n from ${quote(name)}`).get() as { n: number }).n;
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quote(name)}`);
    counts.push({ table: name, source, target: Number(rows[0]!.n) });
  }
  const wrong = counts.filter((c) => c.source !== c.target);
  if (wrong.length) throw new Error(`Row counts differ, nothing was committed: ${wrong.map((c) => `${c.table} ${c.source} → ${c.target}`).join(', ')}`);
  return counts;
}

async function copyTable(sqlite: Database.Database, client: pg.PoolClient, key: string, pgColumns: Record<string, Column>, name: string, batchRows: number) {
  const lite = (liteSchema as Record<string, unknown>)[key];
  if (!is(lite, SQLiteTable)) throw new CopyRefused(`db/schema has no table ${key} beside db/schema-pg's ${name}`);
  const liteColumns = getTableColumns(lite) as Record<string, Column>;
  const columns = Object.entries(pgColumns).map(([field, column]) => {
    const source = liteColumns[field];
    if (!source) throw new CopyRefused(`db/schema's ${name} has no column ${field}`);
    return { name: column.name, convert: converter(source, column) };
  });
  const width = columns.length;
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(60_000 / width)));
  const list = columns.map((c) => quote(c.name)).join(', ');
  const insert = (rows: number) => {
    const tuples = Array.from({ length: rows }, (_, r) => `(${columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
    return `insert into ${quote(name)} (${list}) values ${tuples.join(', ')}`;
  };
  const full = insert(perBatch);
  let params: unknown[] = [];
  const rows = sqlite.prepare(`select ${list} from ${quote(name)}`).raw(true).iterate() as IterableIterator<unknown[]>;
  for (const row of rows) {
    for (let c = 0; c < width; c++) params.push(columns[c]!.convert(row[c]));
    if (params.length === perBatch * width) {
      await client.query(full, params);
      params = [];
    }
  }
  if (params.length) await client.query(insert(params.length / width), params);
}

/**
 * A stored SQLite value as the Postgres column stores it: through the two
 * schemas' own mappings (0/1 to a boolean, epoch ms to the same ms), except
 * JSON, whose text goes over untouched rather than parsed and printed again.
 */
function converter(source: Column, target: Column): (value: unknown) => unknown {
  if (target.columnType === 'PgJson' || target.columnType === 'PgJsonb') return (value) => value;
  return (value) => (value === null ? null : target.mapToDriverValue(source.mapFromDriverValue(value)));
}

/** Every identity resumes after the larger of the highest id copied and the highest the source ever handed out. */
async function continueIdentities(sqlite: Database.Database, client: pg.PoolClient) {
  const issued = new Map<string, number>();
  const hasSequences = sqlite.prepare(`select 1 from sqlite_master where name = 'sqlite_sequence'`).get();
  if (hasSequences) for (const { name, seq } of sqlite.prepare('select name, seq from sqlite_sequence').all() as Array<{ name: string; seq: number }>) issued.set(name, seq);
  const { rows } = await client.query<{ t: string; c: string }>(
    `select table_name as t, column_name as c from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`,
  );
  for (const { t, c } of rows) {
    const { rows: max } = await client.query<{ n: string | null }>(`select max(${quote(c)})::text as n from ${quote(t)}`);
    const next = Math.max(Number(max[0]!.n ?? 0), issued.get(t) ?? 0) + 1;
    await client.query(`select setval(pg_get_serial_sequence($1, $2), $3, false)`, [quote(t), c, next]);
  }
}

/**
 * New places are numbered past every copied one: the migration started the
 * place sequence (db/schema-pg/signups.ts `signupSeq`) on the empty table.
 */
async function continuePlaces(client: pg.PoolClient) {
  await client.query(`select setval('signup_seq', coalesce(max(seq), 0) + 1, false) from signups`);
}

/** Refuses a target with any row in any table of its public schema, ours or not. */
async function refuseNonEmpty(client: pg.Pool | pg.PoolClient) {
  const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const full: string[] = [];
  for (const { name } of tables) {
    const { rows } = await client.query<{ any: boolean }>(`select exists (select 1 from ${quote(name)}) as any`);
    if (rows[0]!.any) full.push(name);
  }
  if (full.length) throw new CopyRefused(`The target database is not empty (rows in ${full.join(', ')}): copy into a new, empty database`);
}

const sqliteMigrations = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The source must be exactly this version's schema, and hold no table this copy would leave behind. */
function checkSource(sqlite: Database.Database) {
  const journal = JSON.parse(readFileSync(join(sqliteMigrations, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const tables = (sqlite.prepare(`select name from sqlite_master where type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name);
  const applied = tables.includes('__drizzle_migrations')
    ? (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n
    : 0;
  if (applied < journal.entries.length) {
    throw new CopyRefused(`The SQLite database has ${applied} of ${journal.entries.length} migrations: start this version of Waitline on it once (it migrates), then copy`);
  }
  if (applied > journal.entries.length) throw new CopyRefused(`The SQLite database comes from a newer Waitline (${applied} migrations, this one knows ${journal.entries.length})`);
  const known = new Set(tablesInKeyOrder(pgSchema).map(({ table }) => getTableName(table)));
  const unknown = tables.filter((t) => !known.has(t) && !t.startsWith('sqlite_') && t !== '__drizzle_migrations');
  if (unknown.length) throw new CopyRefused(`The SQLite database has tables this version does not know, and would not copy: ${unknown.join(', ')}`);
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The counts as a table to print. */
export function formatCounts(counts: TableCount[]): string {
  const width = Math.max(5, ...counts.map((c) => c.table.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padStart(10)}  ${c.padStart(10)}`;
  return [line('table', 'sqlite', 'postgres'), ...counts.map((c) => line(c.table, String(c.source), String(c.target)))].join('\n');
}
