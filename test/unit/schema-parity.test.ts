import { describe, expect, it } from 'vitest';
import { Column, SQL, StringChunk, getTableName, is } from 'drizzle-orm';
import { IndexedColumn, PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import * as lite from '../../db/schema/index.ts';
import * as pg from '../../db/schema-pg/index.ts';
import { TABLE_NAMES } from '../schema-tables.ts';

/**
 * db/schema (SQLite) and db/schema-pg (PostgreSQL) describe one database: the
 * same tables, columns, keys and indexes. Row types are held equal at the type
 * level in schema-parity.test-d.ts; this file compares what Drizzle knows at
 * run time. Only the differences the engines force are translated, each named.
 */

/** What a column holds, named across engines: see db/schema-pg/columns.ts for why each pair. */
function kind(column: Column): string {
  switch (column.columnType) {
    case 'SQLiteInteger':
    case 'PgBigInt53':
      return 'int64';
    case 'SQLiteText':
    case 'PgText':
      return 'text';
    case 'SQLiteTextJson':
    case 'PgJson':
      return 'json';
    case 'SQLiteBoolean':
    case 'PgBoolean':
      return 'boolean';
    case 'SQLiteTimestamp':
      return 'epoch-ms instant';
    case 'PgCustomColumn':
      if (column.getSQLType() === 'bigint' && column.mapFromDriverValue('1') instanceof Date) return 'epoch-ms instant';
  }
  return `${column.columnType} (no twin)`;
}

/**
 * Index expressions that must differ in text to mean the same. SQLite's NOCASE
 * folds ASCII only, as `lower()` does under the "C" collation.
 */
const EXPRESSION_TWINS: Record<string, string> = {
  '"name" collate nocase': 'lower("name" collate "C")',
};

function render(chunk: unknown): string {
  if (is(chunk, Column) || is(chunk, IndexedColumn)) return `"${chunk.name}"`;
  if (is(chunk, SQL)) return chunk.queryChunks.map(render).join('');
  if (is(chunk, StringChunk)) return chunk.value.join('');
  throw new Error(`cannot compare index part ${String(chunk)}`);
}

/** What getTableConfig gives on either engine, as far as this test reads it. */
interface Config {
  name: string;
  columns: Column[];
  primaryKeys: Array<{ columns: Column[] }>;
  foreignKeys: Array<{ reference(): { columns: Column[]; foreignTable: Parameters<typeof getTableName>[0]; foreignColumns: Column[] } }>;
  uniqueConstraints: Array<{ name?: string; columns: Column[] }>;
  indexes: Array<{ config: { name?: string; columns: unknown[]; unique?: boolean; where?: SQL } }>;
}

function describeTable(config: Config, expression: (text: string) => string = (text) => text) {
  const names = (columns: Array<{ name: string }>) => columns.map((c) => c.name);
  return {
    name: config.name,
    columns: config.columns.map((c) => ({
      name: c.name,
      kind: kind(c),
      enum: c.enumValues ?? null,
      notNull: c.notNull,
      // Both engines number rows themselves (autoincrement, identity): a default with no value.
      default: c.default !== undefined ? c.default : c.hasDefault ? 'generated' : null,
      primary: c.primary,
      unique: c.isUnique ? c.uniqueName : null,
    })),
    primaryKey: config.primaryKeys.map((k) => names(k.columns)),
    foreignKeys: config.foreignKeys
      .map((fk) => fk.reference())
      .map((r) => ({ columns: names(r.columns), table: getTableName(r.foreignTable), foreignColumns: names(r.foreignColumns) }))
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    uniqueConstraints: config.uniqueConstraints.map((u) => ({ name: u.name, columns: names(u.columns) })),
    indexes: config.indexes
      .map(({ config: i }) => ({
        name: i.name ?? '(unnamed)',
        columns: i.columns.map((c) => (is(c, SQL) ? expression(render(c)) : render(c))),
        unique: i.unique ?? false,
        where: i.where ? render(i.where) : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

const tablesOf = (module: object, kind: typeof SQLiteTable | typeof PgTable) =>
  Object.entries(module)
    .filter(([, value]) => is(value, kind))
    .map(([name]) => name)
    .sort();

describe('SQLite and PostgreSQL schemas', () => {
  it('export the same tables, all of them listed in TABLE_NAMES', () => {
    const all = [...TABLE_NAMES].sort();
    expect(tablesOf(lite, SQLiteTable)).toEqual(all);
    expect(tablesOf(pg, PgTable)).toEqual(all);
  });

  it.each(TABLE_NAMES)('%s: same name, columns, nullability, defaults, keys and indexes', (table) => {
    const sqlite = describeTable(sqliteConfig(lite[table]), (text) => EXPRESSION_TWINS[text] ?? text);
    const postgres = describeTable(pgConfig(pg[table]));
    expect(postgres).toEqual(sqlite);
    expect(sqlite.columns.length).toBeGreaterThan(0);
  });
});
