import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../db/index.ts';
import { kv } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { openTestDatabase } from '../db/engine.ts';

/**
 * PostgreSQL runs each body in its own transaction (db/transaction.ts). Two
 * bodies that lock the same rows in opposite orders deadlock; the server rolls
 * one back (40P01) after deadlock_timeout, and the seam runs that body again
 * from the start, so both callers get their answer.
 */

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Db;
beforeEach(async () => {
  database = await openTestDatabase('pg');
  db = database.db;
  await transaction(db, (tx) => tx.insert(kv).values([{ key: 'a', value: '0' }, { key: 'b', value: '0' }]));
});
afterEach(() => database.close());

it("runs a deadlock's victim again, so both bodies commit", async () => {
  let runs = 0;
  let bothHoldOne: () => void;
  const holding = new Promise<void>((resolve) => (bothHoldOne = resolve));
  let held = 0;
  const crossing = (first: string, second: string) => (tx: Parameters<Parameters<typeof transaction>[1]>[0]) =>
    (async () => {
      runs++;
      await tx.update(kv).set({ value: `${first} first` }).where(eq(kv.key, first));
      // The first run of each waits until the other holds its first row: then they must cross.
      if (++held === 2) bothHoldOne();
      if (held <= 2) await holding;
      await tx.update(kv).set({ value: `${first} first` }).where(eq(kv.key, second));
      return first;
    })();
  const results = await Promise.all([transaction(db, crossing('a', 'b')), transaction(db, crossing('b', 'a'))]);
  expect(results).toEqual(['a', 'b']);
  expect(runs).toBe(3);
  const rows = await db.select().from(kv);
  // Whichever committed last wrote both rows.
  expect(new Set(rows.filter((r) => r.key === 'a' || r.key === 'b').map((r) => r.value)).size).toBe(1);
});
