import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * A stored text (a JSON payload, a summary) that carries one of the addresses,
 * as a Drizzle condition (server/services/contacts/find.ts). SQLite twin of
 * db/sql/pg/mentions.ts. Engine-specific because SQLite finds a substring with
 * `instr`, reads its JSON columns as the text they are, and takes `0` as false.
 * Addresses come lower-cased; the text is lower-cased here.
 */
export function mentions(column: AnyColumn, addresses: string[]): SQL {
  const parts = addresses.map((a) => sql`instr(lower(${column}), ${a.toLowerCase()}) > 0`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`0`;
}
