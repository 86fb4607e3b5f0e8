import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';

/**
 * The tables of a Postgres schema module by export name, parents before the
 * tables whose foreign keys point at them (then by name, so the order is
 * stable): read from the schema's own foreign keys, so a new table or key
 * lands in the right place without a list to keep.
 */
export function tablesInKeyOrder(schema: Record<string, unknown>): Array<{ key: string; table: PgTable }> {
  const byName = new Map<string, { key: string; table: PgTable }>();
  for (const [key, value] of Object.entries(schema)) if (is(value, PgTable)) byName.set(getTableName(value), { key, table: value });
  const parents = new Map<string, Set<string>>();
  for (const [name, { table }] of byName) {
    const refs = getTableConfig(table).foreignKeys.map((fk) => getTableName(fk.reference().foreignTable));
    // A row pointing at its own table needs no order between tables.
    parents.set(name, new Set(refs.filter((ref) => ref !== name)));
  }
  const ordered: Array<{ key: string; table: PgTable }> = [];
  const placed = new Set<string>();
  while (placed.size < byName.size) {
    const ready = [...byName.keys()].filter((name) => !placed.has(name) && [...parents.get(name)!].every((p) => placed.has(p) || !byName.has(p)));
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among: ${[...byName.keys()].filter((n) => !placed.has(n)).join(', ')}`);
    for (const name of ready.sort()) {
      placed.add(name);
      ordered.push(byName.get(name)!);
    }
  }
  return ordered;
}
