import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pgSchema } from '../../db/pg.ts';
import * as liteSchema from '../../db/schema/index.ts';
import * as pgAnalytics from '../../db/sql/pg/analytics.ts';
import * as pgClaims from '../../db/sql/pg/claims.ts';
import * as pgInserts from '../../db/sql/pg/inserts.ts';
import * as pgLocks from '../../db/sql/pg/locks.ts';
import * as pgMentions from '../../db/sql/pg/mentions.ts';
import * as pgMessages from '../../db/sql/pg/messages.ts';
import * as pgOffers from '../../db/sql/pg/offers.ts';
import * as pgQueue from '../../db/sql/pg/queue.ts';
import * as pgRetention from '../../db/sql/pg/retention.ts';
import * as pgSuppliers from '../../db/sql/pg/suppliers.ts';
import * as liteAnalytics from '../../db/sql/sqlite/analytics.ts';
import * as liteClaims from '../../db/sql/sqlite/claims.ts';
import * as liteInserts from '../../db/sql/sqlite/inserts.ts';
import * as liteLocks from '../../db/sql/sqlite/locks.ts';
import * as liteMentions from '../../db/sql/sqlite/mentions.ts';
import * as liteMessages from '../../db/sql/sqlite/messages.ts';
import * as liteOffers from '../../db/sql/sqlite/offers.ts';
import * as liteQueue from '../../db/sql/sqlite/queue.ts';
import * as liteRetention from '../../db/sql/sqlite/retention.ts';
import * as liteSuppliers from '../../db/sql/sqlite/suppliers.ts';
import { both, shops, twinEngines, type Module } from './twins.ts';

/**
 * Every engine-specific read of db/sql/ run on a SQLite file the services
 * wrote and on its copy in PostgreSQL, with the same parameters: the rows must
 * be equal, numbers as numbers, in the same order where the statement orders.
 * The writes are held equal in sql-parity-writes.test.ts.
 */

const AREAS: Array<[string, Module, Module]> = [
  ['analytics', liteAnalytics, pgAnalytics],
  ['queue', liteQueue, pgQueue],
  ['messages', liteMessages, pgMessages],
  ['suppliers', liteSuppliers, pgSuppliers],
  ['inserts', liteInserts, pgInserts],
  ['retention', liteRetention, pgRetention],
  ['mentions', liteMentions, pgMentions],
  ['claims', liteClaims, pgClaims],
  ['locks', liteLocks, pgLocks],
  ['offers', liteOffers, pgOffers],
];
const t = twinEngines();
const DAY = 86_400_000;

describe('engine-specific SQL: the PostgreSQL twin returns what the SQLite one does', () => {
  it.each(AREAS)('%s: both engines export the same statements', (_, lite, pg) => {
    expect(Object.keys(pg).sort()).toEqual(Object.keys(lite).sort());
  });

  it('analytics: funnel counts, sales, delays, product ranking and days agree for every shop, period and variant filter', async () => {
    const pair: [Module, Module] = [liteAnalytics, pgAnalytics];
    const { lo, hi } = t.sqlite.prepare('select min(created_at) as lo, max(created_at) as hi from signups').get() as { lo: number; hi: number };
    const periods = [
      { from: 0, to: 8_000_000_000_000 },
      { from: lo + 1, to: hi + DAY }, // cuts the first signup off: bounds are compared, not ignored
    ];
    const start = Math.floor(lo / DAY) * DAY;
    const days = JSON.stringify(Array.from({ length: 8 }, (_, i) => [start + i * DAY, start + (i + 1) * DAY]));
    let seen = { offered: 0, opened: 0, purchased: 0, delays: 0, waiting: 0 };
    for (const shopId of shops(t)) {
      for (const period of periods) {
        for (const variant of [false, true]) {
          const params = { shopId, ...period, variantId: '4401' };
          const [offers] = (await both(t, pair, 'funnelOffers', { variant }, params)) as Array<{ offered: number; opened: number }>;
          const [sales] = (await both(t, pair, 'funnelSales', { variant }, params)) as Array<{ purchased: number }>;
          await both(t, pair, 'funnelSignups', { variant }, params);
          const delays = await both(t, pair, 'purchaseDelays', { variant }, params, true);
          await both(t, pair, 'dailyCounts', { variant }, { shopId, variantId: '4401', days });
          seen = { ...seen, offered: seen.offered + offers!.offered, opened: seen.opened + offers!.opened, purchased: seen.purchased + sales!.purchased, delays: seen.delays + delays.length };
        }
        for (const sort of ['waiting', 'conversion'] as const) {
          const ranked = (await both(t, pair, 'productRanking', { sort }, { shopId, ...period, limit: 10 })) as Array<{ waiting: number }>;
          seen.waiting += ranked.reduce((n, r) => n + r.waiting, 0);
        }
      }
    }
    // The seed holds what each statement counts, so an equal answer is not an empty one.
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
  });

  it('queue reads: the head in FIFO order, seeks, counts and held units agree for every shop and variant', async () => {
    const pair: [Module, Module] = [liteQueue, pgQueue];
    const MIN = Number.MIN_SAFE_INTEGER;
    let heads = 0;
    for (const shopId of shops(t)) {
      for (const variantId of ['4401', '4402']) {
        const head = await both(t, pair, 'queueHead', undefined, [shopId, variantId, MIN, 100]);
        await both(t, pair, 'queueHead', undefined, [shopId, variantId, MIN, 2]); // the limit is bound, not ignored
        const [second] = head.slice(1) as Array<{ seq: number }>;
        await both(t, pair, 'queueHead', undefined, [shopId, variantId, second?.seq ?? 0, 100]);
        await both(t, pair, 'firstOfQuantity', undefined, [shopId, variantId, 1, second?.seq ?? MIN]);
        await both(t, pair, 'waitingBetween', undefined, [shopId, variantId, MIN, second?.seq ?? 0]);
        await both(t, pair, 'waitingCount', undefined, [shopId, variantId]);
        await both(t, pair, 'heldUnits', undefined, [shopId, variantId]);
        heads += head.length;
      }
    }
    expect(heads).toBeGreaterThan(2);
  });

  it('suppliers: a name matches ignoring ASCII case only, on both engines', async () => {
    const lite = drizzle(t.sqlite, { schema: liteSchema });
    for (const name of ['Kiln & Co', 'KILN & co', 'kiln & co.', 'Kiln', 'K\u0130LN & CO']) {
      const onLite = lite.select({ id: liteSchema.suppliers.id, name: liteSchema.suppliers.name }).from(liteSchema.suppliers).where(liteSuppliers.supplierNamed(name)).all();
      const onPgRows = await t.target.db.select({ id: pgSchema.suppliers.id, name: pgSchema.suppliers.name }).from(pgSchema.suppliers).where(pgSuppliers.supplierNamed(name));
      expect(onPgRows, name).toEqual(onLite);
      expect(onLite.length, name).toBe(name.toLowerCase() === 'kiln & co' ? 1 : 0);
    }
  });

  it('mentions: the same summaries and JSON payloads carry an address on both engines, whatever its case', async () => {
    const lite = drizzle(t.sqlite, { schema: liteSchema });
    let found = 0;
    for (const addresses of [['+14155550123'], ['P0@Example.com'], ['nobody@example.com', 'p1@example.com'], ['nobody@example.com'], []]) {
      const liteSummaries = lite.select({ id: liteSchema.escalations.id }).from(liteSchema.escalations).where(liteMentions.mentions(liteSchema.escalations.summary, addresses)).orderBy(liteSchema.escalations.id).all();
      const pgSummaries = await t.target.db.select({ id: pgSchema.escalations.id }).from(pgSchema.escalations).where(pgMentions.mentions(pgSchema.escalations.summary, addresses)).orderBy(pgSchema.escalations.id);
      expect(pgSummaries, `summaries ${addresses}`).toEqual(liteSummaries);
      // messages.props is JSON on both engines, as webhook payloads are: the case the cast to text is for.
      const liteProps = lite.select({ id: liteSchema.messages.id }).from(liteSchema.messages).where(liteMentions.mentions(liteSchema.messages.props, addresses)).orderBy(liteSchema.messages.id).all();
      const pgProps = await t.target.db.select({ id: pgSchema.messages.id }).from(pgSchema.messages).where(pgMentions.mentions(pgSchema.messages.props, addresses)).orderBy(pgSchema.messages.id);
      expect(pgProps, `props ${addresses}`).toEqual(liteProps);
      found += liteSummaries.length + liteProps.length;
    }
    expect(found).toBeGreaterThan(0);
  });
});
