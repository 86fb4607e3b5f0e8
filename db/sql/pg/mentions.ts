import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * PostgreSQL twin of db/sql/sqlite/mentions.ts. Postgres has no `instr`
 * (`strpos`), a `json` column must be cast to text before `lower`, and a
 * condition must be boolean, so "no address" is `false`, not `0`.
 */
export function mentions(column: AnyColumn, addresses: string[]): SQL {
  const parts = addresses.map((a) => sql`strpos(lower(${column}::text), ${a.toLowerCase()}::text) > 0`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}
