import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../db/sql/statement.ts';
import { named } from '../../db/sql/pg/named.ts';
import * as pgAnalytics from '../../db/sql/pg/analytics.ts';
import * as liteAnalytics from '../../db/sql/sqlite/analytics.ts';
import { copySqliteToPg } from '../../db/to-postgres.ts';
import { freshPgDatabase, type FreshPgDatabase } from './database.ts';
import { seededSqlite } from './seeded-sqlite.ts';

/**
 * Every engine-specific statement of db/sql/ run on a SQLite file the services
 * wrote and on its copy in PostgreSQL, with the same parameters: the rows must
 * be equal, numbers as numbers, in the same order where the statement orders.
 */

type AnyStatement = Statement<never, unknown>;
type Module = Record<string, unknown>;
const AREAS: Array<[string, Module, Module]> = [['analytics', liteAnalytics, pgAnalytics]];

let source: Awaited<ReturnType<typeof seededSqlite>>;
let sqlite: Database.Database;
let target: FreshPgDatabase;
beforeAll(async () => {
  source = await seededSqlite();
  target = await freshPgDatabase({ empty: true });
  await copySqliteToPg(source.path, target.db);
  sqlite = new Database(source.path, { readonly: true, fileMustExist: true });
}, 90_000);
afterAll(async () => {
  sqlite?.close();
  await target?.drop();
  source?.remove();
});

const statement = (module: Module, name: string) => module[name] as AnyStatement & { text(o: unknown): string };
const onSqlite = (s: AnyStatement & { text(o: unknown): string }, options: unknown, params: Record<string, unknown>) =>
  (sqlite.prepare(s.text(options)).all(params) as Array<Record<string, unknown>>).map((r) => s.row(r));
const onPg = async (s: AnyStatement & { text(o: unknown): string }, options: unknown, params: Record<string, unknown>) =>
  (await target.db.$client.query(named(s.text(options), params))).rows.map((r: Record<string, unknown>) => s.row(r));

/** Runs one statement on both engines; `unordered` sorts both sides for statements without an order by. */
async function both(module: [Module, Module], name: string, options: unknown, params: Record<string, unknown>, unordered = false) {
  const sort = (rows: unknown[]) => (unordered ? rows.map((r) => JSON.stringify(r)).sort() : rows);
  const lite = onSqlite(statement(module[0], name), options, params);
  const pg = await onPg(statement(module[1], name), options, params);
  expect(sort(pg), name).toEqual(sort(lite));
  return lite;
}

const shops = () => (sqlite.prepare('select id from shops order by created_at, id').all() as Array<{ id: string }>).map((s) => s.id);
const DAY = 86_400_000;

describe('engine-specific SQL: the PostgreSQL twin returns what the SQLite one does', () => {
  it.each(AREAS)('%s: both engines export the same statements', (_, lite, pg) => {
    expect(Object.keys(pg).sort()).toEqual(Object.keys(lite).sort());
  });

  it('analytics: funnel counts, sales, delays, product ranking and days agree for every shop, period and variant filter', async () => {
    const pair: [Module, Module] = [liteAnalytics, pgAnalytics];
    const { lo, hi } = sqlite.prepare('select min(created_at) as lo, max(created_at) as hi from signups').get() as { lo: number; hi: number };
    const periods = [
      { from: 0, to: 8_000_000_000_000 },
      { from: lo + 1, to: hi + DAY }, // cuts the first signup off: bounds are compared, not ignored
    ];
    const start = Math.floor(lo / DAY) * DAY;
    const days = JSON.stringify(Array.from({ length: 8 }, (_, i) => [start + i * DAY, start + (i + 1) * DAY]));
    let seen = { offered: 0, opened: 0, purchased: 0, delays: 0, waiting: 0 };
    for (const shopId of shops()) {
      for (const period of periods) {
        for (const variant of [false, true]) {
          const params = { shopId, ...period, variantId: '4401' };
          const [offers] = (await both(pair, 'funnelOffers', { variant }, params)) as Array<{ offered: number; opened: number }>;
          const [sales] = (await both(pair, 'funnelSales', { variant }, params)) as Array<{ purchased: number }>;
          await both(pair, 'funnelSignups', { variant }, params);
          const delays = await both(pair, 'purchaseDelays', { variant }, params, true);
          await both(pair, 'dailyCounts', { variant }, { shopId, variantId: '4401', days });
          seen = { ...seen, offered: seen.offered + offers!.offered, opened: seen.opened + offers!.opened, purchased: seen.purchased + sales!.purchased, delays: seen.delays + delays.length };
        }
        for (const sort of ['waiting', 'conversion'] as const) {
          const ranked = (await both(pair, 'productRanking', { sort }, { shopId, ...period, limit: 10 })) as Array<{ waiting: number }>;
          seen.waiting += ranked.reduce((n, r) => n + r.waiting, 0);
        }
      }
    }
    // The seed holds what each statement counts, so an equal answer is not an empty one.
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
  });
});
