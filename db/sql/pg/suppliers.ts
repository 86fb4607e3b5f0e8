import { sql, type SQL } from 'drizzle-orm';

/**
 * PostgreSQL twin of db/sql/sqlite/suppliers.ts. Postgres has no `nocase`:
 * its unique index is on `lower(name collate "C")`, and `lower` under the "C"
 * collation folds ASCII letters only, as SQLite's nocase does, so "KILN" and
 * "Kiln" meet but "É" and "é" stay apart on both engines.
 */
export const supplierNamed = (name: string): SQL => sql`lower(suppliers.name collate "C") = lower(${name}::text collate "C")`;
