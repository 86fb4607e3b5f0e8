import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.ts';
import { first } from '../../db/raw.ts';
import { kv } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { openTestDatabase } from './engine.ts';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Db;
beforeEach(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterEach(() => database.close());

const value = async (key: string) => (await db.select().from(kv).where(eq(kv.key, key)))[0]?.value;

describe(`transaction() on ${process.env.WAITLINE_TEST_ENGINE ?? 'sqlite'}`, () => {
  it('answers each body with its value after the commit, and its writes are there', async () => {
    const answer = await transaction(db, async (tx) => {
      await tx.insert(kv).values({ key: 'a', value: '1' });
      // The body reads its own writes through its tx.
      return (await tx.select().from(kv).where(eq(kv.key, 'a')))[0]?.value;
    });
    expect(answer).toBe('1');
    expect(await value('a')).toBe('1');
  });

  it('rolls back only the body that throws when bodies share a commit', async () => {
    const results = await Promise.allSettled([
      transaction(db, (tx) => tx.insert(kv).values({ key: 'kept-1', value: 'x' })),
      transaction(db, async (tx) => {
        await tx.insert(kv).values({ key: 'lost', value: 'x' });
        throw new Error('this body fails');
      }),
      transaction(db, (tx) => tx.insert(kv).values({ key: 'kept-2', value: 'x' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('this body fails');
    expect([await value('kept-1'), await value('lost'), await value('kept-2')]).toEqual(['x', undefined, 'x']);
  });

  it('rolls back a body whose statement fails (a duplicate key) and commits the rest', async () => {
    await transaction(db, (tx) => tx.insert(kv).values({ key: 'taken', value: 'first' }));
    const results = await Promise.allSettled([
      transaction(db, async (tx) => {
        await tx.insert(kv).values({ key: 'half', value: 'x' });
        await tx.insert(kv).values({ key: 'taken', value: 'second' });
      }),
      transaction(db, (tx) => tx.insert(kv).values({ key: 'after', value: 'x' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect([await value('taken'), await value('half'), await value('after')]).toEqual(['first', undefined, 'x']);
  });

  it('refuses a transaction opened inside another (it would wait for itself)', async () => {
    await expect(transaction(db, () => transaction(db, async () => 1))).rejects.toThrow(/inside a transaction/);
  });

  it('refuses a write through the shared handle, and any use of it inside a transaction', async () => {
    await expect(Promise.resolve().then(() => db.insert(kv).values({ key: 'outside', value: 'x' }))).rejects.toThrow(/write outside a transaction/);
    await expect(transaction(db, async () => db.select().from(kv))).rejects.toThrow(/deps\.db used inside a transaction/);
    await expect(transaction(db, async () => first(db, sql`select 1 as one`))).rejects.toThrow(/inside a transaction/);
    expect(await value('outside')).toBeUndefined();
  });

  it("refuses Drizzle's own transactions on the shared handle", () => {
    expect(() => db.transaction(async () => {})).toThrow(/db\/transaction\.ts/);
  });

  it('never shows a read through the shared handle what a transaction has not committed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const body = transaction(db, async (tx) => {
      await tx.insert(kv).values({ key: 'pending', value: 'x' });
      written();
      await held; // the test's stand-in for a body still running
    });
    await wrote;
    expect(await value('pending')).toBeUndefined();
    release();
    await body;
    expect(await value('pending')).toBe('x');
  });

  // SQLite has one writer per process (group commit); PostgreSQL runs each body in its own
  // transaction on its own client, kept apart by the lock order (db/sql/pg/locks.ts).
  const alone = (process.env.WAITLINE_TEST_ENGINE ?? 'sqlite') === 'sqlite';
  it(alone ? 'runs one body at a time, in the order they were submitted' : 'runs bodies side by side, each in its own transaction', async () => {
    const order: string[] = [];
    const body = (name: string) => async () => {
      order.push(`${name} in`);
      // Each body waits (up to 500 ms) for the other to be running too.
      for (let waited = 0; order.filter((step) => step.endsWith(' in')).length < 2 && waited < 500; waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      order.push(`${name} out`);
    };
    await Promise.all([transaction(db, body('a')), transaction(db, body('b'))]);
    if (alone) expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
    else expect(order.slice(0, 2).sort()).toEqual(['a in', 'b in']);
  });
});
