/**
 * A hand-written statement whose text differs between SQLite and PostgreSQL.
 * db/sql/sqlite/<area>.ts and db/sql/pg/<area>.ts export the same names, so a
 * caller picks an engine by which module it imports and reads the same rows.
 *
 * Parameters are named `@name` on both engines (better-sqlite3's syntax;
 * db/sql/pg/named.ts turns them into `$1…` for node-postgres). `row` turns a
 * raw row into the shape callers use: identity on SQLite, and on Postgres it
 * turns `count(*)`/`sum()` (bigint and numeric, which node-postgres returns as
 * strings) into numbers.
 */
export interface Statement<Options, Row> {
  text(options: Options): string;
  row(raw: Record<string, unknown>): Row;
}

/**
 * A write whose text differs between the engines, with positional parameters
 * (`?` on SQLite, `$n` on PostgreSQL, in the same order). Callers read how many
 * rows it wrote: better-sqlite3's `.changes`, node-postgres' `rowCount`.
 */
export interface Write {
  text(): string;
}
