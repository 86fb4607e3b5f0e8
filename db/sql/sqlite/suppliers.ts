import { sql, type SQL } from 'drizzle-orm';

/**
 * A supplier named `name`, ignoring ASCII case, as a Drizzle condition on the
 * suppliers table; SQLite twin of db/sql/pg/suppliers.ts. Engine-specific
 * because SQLite compares `collate nocase` (ASCII-only folding), the collation
 * of its unique index (shop_id, name collate nocase), so the lookup finds the
 * row that index made `on conflict do nothing` keep.
 */
export const supplierNamed = (name: string): SQL => sql`suppliers.name = ${name} collate nocase`;
