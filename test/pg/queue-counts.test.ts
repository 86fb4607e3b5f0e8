import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPgDatabase, freshSqliteDatabase, type FreshPgDatabase } from './database.ts';

let pg: FreshPgDatabase;
let sqlite: ReturnType<typeof freshSqliteDatabase>;

beforeAll(async () => {
  pg = await freshPgDatabase();
  sqlite = freshSqliteDatabase();
});
afterAll(async () => {
  await pg?.drop();
  sqlite?.close();
});

const signup = (contact: number, variant: string, status: string) =>
  `('shop_1', '${variant}', ${contact}, ${contact}, '${status}', 'tok_${contact}', 0, 0)`;
const insert = (...rows: string[]) =>
  `insert into signups (shop_id, variant_id, contact_id, seq, status, token, created_at, updated_at) values ${rows.join(', ')}`;

/**
 * Every way a statement moves people in and out of a line, in plain SQL both
 * engines read the same way. Single-row and many-row statements both: SQLite's
 * triggers run per row, Postgres' once per statement.
 */
const STEPS: Array<[string, string]> = [
  ['one joins', insert(signup(1, 'vA', 'waiting'))],
  ['several join in one statement, one only pending', insert(signup(2, 'vA', 'waiting'), signup(3, 'vA', 'pending'), signup(4, 'vB', 'waiting'), signup(5, 'vA', 'waiting'))],
  ['one is offered', `update signups set status = 'offered' where contact_id = 1`],
  ['a restock offers to the whole line at once', `update signups set status = 'offered' where variant_id = 'vA' and status = 'waiting'`],
  ['two come back', `update signups set status = 'waiting' where contact_id in (1, 2)`],
  ['one moves to another line', `update signups set variant_id = 'vB' where contact_id = 2`],
  ['an update that moves no one', `update signups set locale = 'fr'`],
  ['one statement both fills and empties a line', `update signups set status = case status when 'waiting' then 'offered' when 'offered' then 'waiting' else status end where variant_id = 'vA'`],
  ['a pending one is confirmed', `update signups set status = 'waiting' where contact_id = 3`],
  ['a waiting one is deleted', `delete from signups where contact_id = 4`],
  ['the offered are deleted', `delete from signups where status = 'offered'`],
  ['the counts are lost, then a line shrinks', `delete from queue_counts; update signups set status = 'expired' where contact_id = 2`],
  ['and grows again', `update signups set status = 'waiting' where contact_id = 2`],
  ['everyone leaves in one statement', `delete from signups`],
];

const COUNTS = `select shop_id as "shopId", variant_id as "variantId", cast(waiting as integer) as waiting from queue_counts order by shop_id, variant_id`;
const TRUTH = `select variant_id as "variantId", cast(count(*) as integer) as waiting from signups where status = 'waiting' group by variant_id order by variant_id`;

describe('queue_counts on PostgreSQL', () => {
  it('follows every step of the same signups exactly as SQLite’s triggers do', async () => {
    const setup = [
      `insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values ('shop_1', 'Kiln', 'pk', 'sk', '{}', 0)`,
      `insert into contacts (id, shop_id, token, created_at) values ${[1, 2, 3, 4, 5].map((c) => `(${c}, 'shop_1', 'c${c}', 0)`).join(', ')}`,
    ];
    for (const statement of setup) {
      sqlite.db.$client.exec(statement);
      await pg.db.$client.query(statement);
    }
    const seen = new Set<string>();
    let countsTrusted = true;
    for (const [step, statement] of STEPS) {
      if (statement.startsWith('delete from queue_counts')) countsTrusted = false;
      sqlite.db.$client.exec(statement);
      await pg.db.$client.query(statement);
      const expected = sqlite.db.$client.prepare(COUNTS).all() as Array<{ variantId: string; waiting: number }>;
      const { rows } = await pg.db.$client.query(COUNTS);
      expect(rows, step).toEqual(expected);
      seen.add(JSON.stringify(expected));
      // Until the counts are deleted by hand, each is its line's real length (an emptied line keeps a 0).
      if (countsTrusted) {
        const lines = expected.filter((r) => r.waiting !== 0).map(({ variantId, waiting }) => ({ variantId, waiting }));
        expect(lines, step).toEqual(sqlite.db.$client.prepare(TRUTH).all());
      }
    }
    // The walk went somewhere: lines grew, shrank and emptied.
    expect(seen.size).toBeGreaterThan(6);
  });
});
