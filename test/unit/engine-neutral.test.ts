import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

/**
 * Services run unchanged on SQLite and PostgreSQL (db/index.ts `Db`). These
 * calls exist on one engine only, or write beside the transaction they belong
 * to, so server/ may not make them; db/ hides each behind the seam.
 */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\.(all|get|run)\(\s*\)/, 'better-sqlite3-only result call: await the builder, or .execute() a prepared one'],
  [/\$client/, 'the raw driver: use db/raw.ts or a twin in db/sql/'],
  [/\.transaction\(/, 'Drizzle or better-sqlite3 transactions: use transaction() from db/transaction.ts'],
  [/db\/sql\/(sqlite|pg)\//, 'one engine\'s twin: use twins(db) from db/sql/index.ts'],
  [/from 'better-sqlite3'/, 'the SQLite driver'],
  [/lastInsertRowid|\.changes\b/, 'SQLite result fields: affected(result) or runWrite(...).id from db/raw.ts'],
];

/** Files allowed one named exception, and why. */
const ALLOWED: Record<string, RegExp> = {
  // The WAL checkpointer runs on SQLite only (the server starts it only there).
  'server/index.ts': /\$client/,
};

describe('engine-neutral services', () => {
  const sources = files(join(ROOT, 'server'));

  it('finds the server sources', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it.each(FORBIDDEN)('server/ never uses %s', (pattern, why) => {
    const found = sources.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => pattern.test(line) && !line.trimStart().startsWith('*') && !line.trimStart().startsWith('//'))
        .filter(() => ALLOWED[file]?.source !== pattern.source)
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(found, why).toEqual([]);
  });
});
