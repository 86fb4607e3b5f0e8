import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import { named } from '../../db/sql/pg/named.ts';
import type { Statement } from '../../db/sql/statement.ts';
import { copySqliteToPg } from '../../db/to-postgres.ts';
import { freshPgDatabase, type FreshPgDatabase } from './database.ts';
import { seededSqlite } from './seeded-sqlite.ts';

/** A db/sql/<engine>/<area>.ts module: statements by name. */
export type Module = Record<string, unknown>;
type AnyStatement = Statement<unknown, unknown>;
/** Named parameters as an object, positional ones (`?` and `$n`) as an array. */
export type Params = Record<string, unknown> | unknown[];

export interface Twins {
  /** The SQLite file the services wrote (test/pg/seeded-sqlite.ts). */
  source: { path: string; remove(): void };
  /** That file, read-only. */
  sqlite: Database.Database;
  /** Its copy in PostgreSQL, made by db/to-postgres.ts. */
  target: FreshPgDatabase;
}

/** The same shop on both engines for this test file; filled in before its tests run. */
export function twinEngines(): Twins {
  const t = {} as Twins;
  beforeAll(async () => {
    t.source = await seededSqlite();
    t.target = await freshPgDatabase({ empty: true });
    await copySqliteToPg(t.source.path, t.target.db);
    t.sqlite = new Database(t.source.path, { readonly: true, fileMustExist: true });
  }, 90_000);
  afterAll(async () => {
    t.sqlite?.close();
    await t.target?.drop();
    t.source?.remove();
  });
  return t;
}

/**
 * Runs statement `name` of both twins with the same options and parameters and
 * expects equal rows (after each twin's `row`); `unordered` sorts both sides,
 * for statements without an order by. Returns SQLite's rows.
 */
export async function both(t: Twins, pair: [Module, Module], name: string, options: unknown, params: Params, unordered = false) {
  const [lite, pg] = pair.map((module) => module[name] as AnyStatement);
  const prepared = t.sqlite.prepare(lite!.text(options));
  const liteRows = ((Array.isArray(params) ? prepared.all(...params) : prepared.all(params)) as Array<Record<string, unknown>>).map((r) => lite!.row(r));
  const query = Array.isArray(params) ? { text: pg!.text(options), values: params } : named(pg!.text(options), params);
  const pgRows = (await t.target.db.$client.query(query)).rows.map((r: Record<string, unknown>) => pg!.row(r));
  const sort = (rows: unknown[]) => (unordered ? rows.map((r) => JSON.stringify(r)).sort() : rows);
  expect(sort(pgRows), name).toEqual(sort(liteRows));
  return liteRows;
}

/** The shops of the seed, oldest first. */
export const shops = (t: Twins) => (t.sqlite.prepare('select id from shops order by created_at, id').all() as Array<{ id: string }>).map((s) => s.id);
