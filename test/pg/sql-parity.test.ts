import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { pgSchema } from '../../db/pg.ts';
import * as liteSchema from '../../db/schema/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Statement } from '../../db/sql/statement.ts';
import { named } from '../../db/sql/pg/named.ts';
import * as pgAnalytics from '../../db/sql/pg/analytics.ts';
import * as liteAnalytics from '../../db/sql/sqlite/analytics.ts';
import * as pgMessages from '../../db/sql/pg/messages.ts';
import * as liteMessages from '../../db/sql/sqlite/messages.ts';
import * as pgQueue from '../../db/sql/pg/queue.ts';
import * as liteQueue from '../../db/sql/sqlite/queue.ts';
import * as pgMentions from '../../db/sql/pg/mentions.ts';
import * as liteMentions from '../../db/sql/sqlite/mentions.ts';
import * as pgRetention from '../../db/sql/pg/retention.ts';
import * as liteRetention from '../../db/sql/sqlite/retention.ts';
import * as pgInserts from '../../db/sql/pg/inserts.ts';
import * as liteInserts from '../../db/sql/sqlite/inserts.ts';
import * as pgSuppliers from '../../db/sql/pg/suppliers.ts';
import * as liteSuppliers from '../../db/sql/sqlite/suppliers.ts';
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
const AREAS: Array<[string, Module, Module]> = [
  ['analytics', liteAnalytics, pgAnalytics],
  ['queue', liteQueue, pgQueue],
  ['messages', liteMessages, pgMessages],
  ['suppliers', liteSuppliers, pgSuppliers],
  ['inserts', liteInserts, pgInserts],
  ['retention', liteRetention, pgRetention],
  ['mentions', liteMentions, pgMentions],
];

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
/** Named parameters as an object, positional ones (`?` and `$n`) as an array. */
type Params = Record<string, unknown> | unknown[];
const onSqlite = (s: AnyStatement & { text(o: unknown): string }, options: unknown, params: Params) => {
  const prepared = sqlite.prepare(s.text(options));
  const rows = (Array.isArray(params) ? prepared.all(...params) : prepared.all(params)) as Array<Record<string, unknown>>;
  return rows.map((r) => s.row(r));
};
const onPg = async (s: AnyStatement & { text(o: unknown): string }, options: unknown, params: Params) =>
  (await target.db.$client.query(Array.isArray(params) ? { text: s.text(options), values: params } : named(s.text(options), params))).rows.map(
    (r: Record<string, unknown>) => s.row(r),
  );

/** Runs one statement on both engines; `unordered` sorts both sides for statements without an order by. */
async function both(module: [Module, Module], name: string, options: unknown, params: Params, unordered = false) {
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

  it('queue reads: the head in FIFO order, seeks, counts and held units agree for every shop and variant', async () => {
    const pair: [Module, Module] = [liteQueue, pgQueue];
    const MIN = Number.MIN_SAFE_INTEGER;
    let heads = 0;
    for (const shopId of shops()) {
      for (const variantId of ['4401', '4402']) {
        const head = await both(pair, 'queueHead', undefined, [shopId, variantId, MIN, 100]);
        await both(pair, 'queueHead', undefined, [shopId, variantId, MIN, 2]); // the limit is bound, not ignored
        const [second] = head.slice(1) as Array<{ seq: number }>;
        await both(pair, 'queueHead', undefined, [shopId, variantId, second?.seq ?? 0, 100]);
        await both(pair, 'firstOfQuantity', undefined, [shopId, variantId, 1, second?.seq ?? MIN]);
        await both(pair, 'waitingBetween', undefined, [shopId, variantId, MIN, second?.seq ?? 0]);
        await both(pair, 'waitingCount', undefined, [shopId, variantId]);
        await both(pair, 'heldUnits', undefined, [shopId, variantId]);
        heads += head.length;
      }
    }
    expect(heads).toBeGreaterThan(2);
  });

  it('message insert: a new key writes one row, a taken key none, and the row reads back the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    // A copy to write into: the source stays as the services left it for the other tests.
    copyFileSync(source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const { id: contactId, shop_id: shopId } = lite.prepare('select id, shop_id from contacts order by id limit 1').get() as { id: number; shop_id: string };
      const values = (key: string, publicId: string) => [shopId, contactId, null, null, null, publicId, 'signup-confirmed', 'email', 'x@example.com', '{"item":"Tee"}', 1, 0, key, 1_000, 2_000, 'queued', null];
      const write = async (key: string, publicId: string) => ({
        sqlite: lite.prepare(liteMessages.insertMessage.text()).run(...values(key, publicId)).changes,
        pg: (await target.db.$client.query(pgMessages.insertMessage.text(), values(key, publicId))).rowCount,
      });
      expect(await write('parity:new', 'pubparity001')).toEqual({ sqlite: 1, pg: 1 });
      expect(await write('parity:new', 'pubparity002')).toEqual({ sqlite: 0, pg: 0 }); // the idempotency key is taken
      const read = 'select shop_id, contact_id, public_id, template, channel, "to", props, track, intro, send_after, created_at, status, error, headers, attempts from messages where idempotency_key = ?';
      const normal = (r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^[{[]/.test(v) ? JSON.parse(v) : typeof v === 'boolean' || /^\d+$/.test(String(v)) ? Number(v) : v]));
      const onLite = normal(lite.prepare(read).get('parity:new') as Record<string, unknown>);
      const onPgRow = normal((await target.db.$client.query(read.replace('?', '$1'), ['parity:new'])).rows[0]);
      expect(onPgRow).toEqual(onLite);
      expect(onLite).toMatchObject({ public_id: 'pubparity001', track: 1, intro: 0, props: { item: 'Tee' }, headers: {} });
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('suppliers: a name matches ignoring ASCII case only, on both engines', async () => {
    const lite = drizzle(sqlite, { schema: liteSchema });
    for (const name of ['Kiln & Co', 'KILN & co', 'kiln & co.', 'Kiln', 'K\u0130LN & CO']) {
      const onLite = lite.select({ id: liteSchema.suppliers.id, name: liteSchema.suppliers.name }).from(liteSchema.suppliers).where(liteSuppliers.supplierNamed(name)).all();
      const onPgRows = await target.db.select({ id: pgSchema.suppliers.id, name: pgSchema.suppliers.name }).from(pgSchema.suppliers).where(pgSuppliers.supplierNamed(name));
      expect(onPgRows, name).toEqual(onLite);
      expect(onLite.length, name).toBe(name.toLowerCase() === 'kiln & co' ? 1 : 0);
    }
  });

  it('inserts: a signup, a contact and an offer get the same ids and rows, and the same queue count, on both engines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const { id: contactId, shop_id: shopId } = lite.prepare('select id, shop_id from contacts order by id limit 1').get() as { id: number; shop_id: string };
      const { seq } = lite.prepare('select max(seq) + 1 as seq from signups where shop_id = ?').get(shopId) as { seq: number };
      const values = [shopId, '4401', contactId, seq, 'waitlist', 2, 'waiting', 'parity-signup-token', 'en', 5_000, 5_000];
      const counts = 'select * from queue_counts where shop_id = ? order by variant_id';
      const numbers = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^\d+$/.test(String(v)) ? Number(v) : v]));
      const before = lite.prepare(counts).all(shopId) as Array<Record<string, unknown>>;
      const liteId = Number(lite.prepare(liteInserts.insertSignup.text()).run(...values).lastInsertRowid);
      const pgId = Number((await target.db.$client.query(pgInserts.insertSignup.text(), values)).rows[0].id);
      expect(pgId).toBe(liteId);
      const after = (lite.prepare(counts).all(shopId) as Array<Record<string, unknown>>).map(numbers);
      expect((await target.db.$client.query(counts.replace('?', '$1'), [shopId])).rows.map(numbers)).toEqual(after);
      expect(after).not.toEqual(before.map(numbers)); // the trigger counted the new place
      // A contact and an offer to that signup: again the same ids, and the rows read back the same.
      const contactValues = [shopId, 'parity@example.com', '+14155550199', 6_000, 'fr', 'parity-contact-token', 6_000];
      const liteContact = Number(lite.prepare(liteInserts.insertContact.text()).run(...contactValues).lastInsertRowid);
      expect(Number((await target.db.$client.query(pgInserts.insertContact.text(), contactValues)).rows[0].id)).toBe(liteContact);
      const offerValues = [shopId, '4401', liteId, null, 2, 1, 'parity-offer-token', 9_000, 7_000];
      const liteOffer = Number(lite.prepare(liteInserts.insertOffer.text()).run(...offerValues).lastInsertRowid);
      expect(Number((await target.db.$client.query(pgInserts.insertOffer.text(), offerValues)).rows[0].id)).toBe(liteOffer);
      for (const [table, id] of [['contacts', liteContact], ['offers', liteOffer], ['signups', liteId]] as const) {
        const read = `select * from ${table} where id = `;
        const onLite = numbers(lite.prepare(`${read}?`).get(id) as Record<string, unknown>);
        expect(numbers((await target.db.$client.query(`${read}$1`, [id])).rows[0]), table).toEqual(onLite);
      }
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retention: each batched delete clears the same rows in batches on both engines, and the replies read the same after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const later = 8_000_000_000_000;
      const summaries = 'select id, kind, summary from escalations order by id';
      const replies = (lite.prepare(summaries).all() as Array<{ summary: string }>).filter((r) => r.summary.includes('“'));
      const runs: Array<[keyof typeof liteRetention, unknown[]]> = [
        ['deleteOldEvents', [later]],
        ['clearOldPayloads', [later]],
        ['clearOldReplies', ['(the reply was deleted after 30 days)', later]],
        ['deleteOldDeliveries', [later]],
      ];
      for (const [name, args] of runs) {
        // A batch of one: the limit is bound on both engines, so each pass clears one row until none is left.
        const passes = { sqlite: [] as number[], pg: [] as number[] };
        for (let n = 1; n > 0; ) {
          n = lite.prepare(liteRetention[name].text()).run(...args, 1).changes;
          passes.sqlite.push(n);
        }
        for (let n = 1; n > 0; ) {
          n = (await target.db.$client.query(pgRetention[name].text(), [...args, 1])).rowCount ?? 0;
          passes.pg.push(n);
        }
        expect(passes.pg, name).toEqual(passes.sqlite);
      }
      const after = lite.prepare(summaries).all();
      expect((await target.db.$client.query(summaries)).rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual(after);
      expect(replies.length).toBeGreaterThan(0);
      expect(after.filter((r) => (r as { summary: string }).summary.includes('“'))).toEqual([]);
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mentions: the same summaries and JSON payloads carry an address on both engines, whatever its case', async () => {
    const lite = drizzle(sqlite, { schema: liteSchema });
    let found = 0;
    for (const addresses of [['+14155550123'], ['P0@Example.com'], ['nobody@example.com', 'p1@example.com'], ['nobody@example.com'], []]) {
      const liteSummaries = lite.select({ id: liteSchema.escalations.id }).from(liteSchema.escalations).where(liteMentions.mentions(liteSchema.escalations.summary, addresses)).orderBy(liteSchema.escalations.id).all();
      const pgSummaries = await target.db.select({ id: pgSchema.escalations.id }).from(pgSchema.escalations).where(pgMentions.mentions(pgSchema.escalations.summary, addresses)).orderBy(pgSchema.escalations.id);
      expect(pgSummaries, `summaries ${addresses}`).toEqual(liteSummaries);
      // messages.props is JSON on both engines, as webhook payloads are: the case the cast to text is for.
      const liteProps = lite.select({ id: liteSchema.messages.id }).from(liteSchema.messages).where(liteMentions.mentions(liteSchema.messages.props, addresses)).orderBy(liteSchema.messages.id).all();
      const pgProps = await target.db.select({ id: pgSchema.messages.id }).from(pgSchema.messages).where(pgMentions.mentions(pgSchema.messages.props, addresses)).orderBy(pgSchema.messages.id);
      expect(pgProps, `props ${addresses}`).toEqual(liteProps);
      found += liteSummaries.length + liteProps.length;
    }
    expect(found).toBeGreaterThan(0);
  });
});
