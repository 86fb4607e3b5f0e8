/**
 * `@name` parameters (the syntax the SQLite twins use) as node-postgres'
 * positional `$n`, so both twins of a statement take the same parameter object.
 * A name used twice gets one position. `::` casts are left alone.
 */
export function named(text: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  const out = text.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`No value for @${name}`);
    let n = positions.get(name);
    if (n === undefined) {
      values.push(params[name]);
      n = values.length;
      positions.set(name, n);
    }
    return `$${n}`;
  });
  return { text: out, values };
}

/** A count, sum or bigint column as node-postgres returns it (string or null) as a number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
