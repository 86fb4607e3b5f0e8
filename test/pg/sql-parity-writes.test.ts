import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as pgInserts from '../../db/sql/pg/inserts.ts';
import * as pgMessages from '../../db/sql/pg/messages.ts';
import * as pgOffers from '../../db/sql/pg/offers.ts';
import * as pgRetention from '../../db/sql/pg/retention.ts';
import * as liteInserts from '../../db/sql/sqlite/inserts.ts';
import * as liteMessages from '../../db/sql/sqlite/messages.ts';
import * as liteOffers from '../../db/sql/sqlite/offers.ts';
import * as liteRetention from '../../db/sql/sqlite/retention.ts';
import type { Tx } from '../../db/index.ts';
import { twinEngines } from './twins.ts';

/**
 * Every engine-specific write of db/sql/ run with the same values on a copy of
 * a SQLite file the services wrote and on its copy in PostgreSQL: the same rows
 * written (and ids given), and the rows read back the same. Each test writes
 * into its own copy of the SQLite file; the PostgreSQL copy takes every write.
 */

const t = twinEngines();

describe('engine-specific SQL: the PostgreSQL twin writes what the SQLite one does', () => {
  it('message insert: a new key writes one row, a taken key none, and the row reads back the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    // A copy to write into: the source stays as the services left it for the other tests.
    copyFileSync(t.source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const { id: contactId, shop_id: shopId } = lite.prepare('select id, shop_id from contacts order by id limit 1').get() as { id: number; shop_id: string };
      const values = (key: string, publicId: string) => [shopId, contactId, null, null, null, publicId, 'signup-confirmed', 'email', 'x@example.com', '{"item":"Tee"}', 1, 0, key, 1_000, 2_000, 'queued', null];
      const write = async (key: string, publicId: string) => ({
        sqlite: lite.prepare(liteMessages.insertMessage.text()).run(...values(key, publicId)).changes,
        pg: (await t.target.db.$client.query(pgMessages.insertMessage.text(), values(key, publicId))).rowCount,
      });
      expect(await write('parity:new', 'pubparity001')).toEqual({ sqlite: 1, pg: 1 });
      expect(await write('parity:new', 'pubparity002')).toEqual({ sqlite: 0, pg: 0 }); // the idempotency key is taken
      const read = 'select shop_id, contact_id, public_id, template, channel, "to", props, track, intro, send_after, created_at, status, error, headers, attempts from messages where idempotency_key = ?';
      const normal = (r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^[{[]/.test(v) ? JSON.parse(v) : typeof v === 'boolean' || /^\d+$/.test(String(v)) ? Number(v) : v]));
      const onLite = normal(lite.prepare(read).get('parity:new') as Record<string, unknown>);
      const onPgRow = normal((await t.target.db.$client.query(read.replace('?', '$1'), ['parity:new'])).rows[0]);
      expect(onPgRow).toEqual(onLite);
      expect(onLite).toMatchObject({ public_id: 'pubparity001', track: 1, intro: 0, props: { item: 'Tee' }, headers: {} });
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inserts: a signup, a contact and an offer get the same ids and rows, and the same queue count, on both engines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(t.source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const { id: contactId, shop_id: shopId } = lite.prepare('select id, shop_id from contacts order by id limit 1').get() as { id: number; shop_id: string };
      const { seq } = lite.prepare('select max(seq) + 1 as seq from signups where shop_id = ?').get(shopId) as { seq: number };
      const values = [shopId, '4401', contactId, seq, 'waitlist', 2, 'waiting', 'parity-signup-token', 'en', 5_000, 5_000];
      const counts = 'select * from queue_counts where shop_id = ? order by variant_id';
      const numbers = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^\d+$/.test(String(v)) ? Number(v) : v]));
      const before = lite.prepare(counts).all(shopId) as Array<Record<string, unknown>>;
      const liteId = Number(lite.prepare(liteInserts.insertSignup.text()).run(...values).lastInsertRowid);
      const pgId = Number((await t.target.db.$client.query(pgInserts.insertSignup.text(), values)).rows[0].id);
      expect(pgId).toBe(liteId);
      const after = (lite.prepare(counts).all(shopId) as Array<Record<string, unknown>>).map(numbers);
      expect((await t.target.db.$client.query(counts.replace('?', '$1'), [shopId])).rows.map(numbers)).toEqual(after);
      expect(after).not.toEqual(before.map(numbers)); // the trigger counted the new place
      // A contact and an offer to that signup: again the same ids, and the rows read back the same.
      const contactValues = [shopId, 'parity@example.com', '+14155550199', 6_000, 'fr', 'parity-contact-token', 6_000];
      const liteContact = Number(lite.prepare(liteInserts.insertContact.text()).run(...contactValues).lastInsertRowid);
      expect(Number((await t.target.db.$client.query(pgInserts.insertContact.text(), contactValues)).rows[0].id)).toBe(liteContact);
      const offerValues = [shopId, '4401', liteId, null, 2, 1, 'parity-offer-token', 9_000, 7_000];
      const liteOffer = Number(lite.prepare(liteInserts.insertOffer.text()).run(...offerValues).lastInsertRowid);
      expect(Number((await t.target.db.$client.query(pgInserts.insertOffer.text(), offerValues)).rows[0].id)).toBe(liteOffer);
      for (const [table, id] of [['contacts', liteContact], ['offers', liteOffer], ['signups', liteId]] as const) {
        const read = `select * from ${table} where id = `;
        const onLite = numbers(lite.prepare(`${read}?`).get(id) as Record<string, unknown>);
        expect(numbers((await t.target.db.$client.query(`${read}$1`, [id])).rows[0]), table).toEqual(onLite);
      }
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers: a round of 1,205 writes the same offers on both engines, ids rising in line order, and marks the same signups offered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(t.source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const { shop_id: shopId } = lite.prepare('select shop_id from signups order by id limit 1').get() as { shop_id: string };
      const signupIds = (lite.prepare('select id from signups where shop_id = ? order by id').all(shopId) as Array<{ id: number }>).map((r) => r.id);
      const round = { shopId, variantId: '4401', restockId: null, expiresAt: 9_000, createdAt: 7_000 };
      // Tokens out of line order, so ids matched back by position alone would show.
      const offers = Array.from({ length: 1_205 }, (_, i) => ({ signupId: signupIds[i % signupIds.length]!, units: 1 + (i % 3), position: i + 1, token: `parity-round-${(i * 7919) % 1_205}` }));
      const waitingBefore = (lite.prepare(`select count(*) as n from signups where shop_id = ? and status = 'waiting'`).get(shopId) as { n: number }).n;
      lite.exec('begin');
      const onSqlite = await liteOffers.writeOffers(drizzle(lite) as unknown as Tx, round, offers);
      lite.exec('commit');
      const onPostgres = await pgOffers.writeOffers(t.target.db as unknown as Tx, round, offers);
      for (const { ids } of [onSqlite, onPostgres]) expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      // Each waiting signup is marked once, however many offers name it; the others are left alone.
      expect(waitingBefore).toBeGreaterThan(0);
      expect(await onSqlite.marked).toBe(waitingBefore);
      expect(await onPostgres.marked).toBe(waitingBefore);
      // The first test added a signup to the PostgreSQL copy only: compare the ones the round named.
      const statuses = `select id, status, updated_at from signups where id in (${signupIds.join(', ')}) order by id`;
      expect((await t.target.db.$client.query(statuses)).rows.map(({ id, status, updated_at }: Record<string, unknown>) => [Number(id), status, Number(updated_at)])).toEqual(
        (lite.prepare(statuses).all() as Array<Record<string, unknown>>).map(({ id, status, updated_at }) => [id, status, updated_at]),
      );
      const read = `select id, shop_id, variant_id, signup_id, restock_id, units, position, status, token, expires_at, created_at from offers where token like 'parity-round-%' order by id`;
      const onLite = (lite.prepare(read).all() as Array<Record<string, unknown>>).map(({ id, ...r }): Record<string, unknown> => ({ ...r, at: onSqlite.ids.indexOf(id as number) }));
      const onPg = (await t.target.db.$client.query(read)).rows.map(({ id, ...r }: Record<string, unknown>): Record<string, unknown> => ({ ...r, at: onPostgres.ids.indexOf(Number(id)) }));
      expect(onLite).toHaveLength(1_205);
      expect(onPg).toEqual(onLite);
      // Each id is its own offer's: the row at id k holds the k-th offer's token and place.
      expect(onLite.map((r) => [r.at, r.token, r.position])).toEqual(offers.map((o, i) => [i, o.token, o.position]));
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('settling a sent batch: the same rows marked sent on both engines, only those still under the batch lease', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(t.source.path, join(dir, 'copy.db'));
    const lite = new Database(join(dir, 'copy.db'));
    try {
      const ids = (lite.prepare('select id from messages order by id limit 3').all() as Array<{ id: number }>).map((r) => r.id);
      expect(ids).toHaveLength(3);
      const third = lite.prepare('select provider_id, sent_at from messages where id = ?').get(ids[2]) as Record<string, unknown>;
      // Two claimed under the batch's lease; the third re-claimed since by someone else.
      const claim = `update messages set status = 'sending', lease_until = case when id = ${ids[2]} then 6000 else 5000 end where id in (${ids.join(', ')})`;
      lite.exec(claim);
      await t.target.db.$client.query(claim);
      const rows = [
        { id: ids[0]!, providerId: 'prov-a' },
        { id: ids[1]!, providerId: null },
        { id: ids[2]!, providerId: 'prov-c' },
      ];
      const batch = { transport: 'resend', now: 7_000, lease: 5_000 };
      expect(await liteMessages.settleSent(drizzle(lite) as unknown as Tx, rows, batch)).toBe(2);
      expect(await pgMessages.settleSent(t.target.db as unknown as Tx, rows, batch)).toBe(2);
      const read = `select id, status, provider_id, transport, sent_at, lease_until, error from messages where id in (${ids.join(', ')}) order by id`;
      const onLite = lite.prepare(read).all() as Array<Record<string, unknown>>;
      const onPg = (await t.target.db.$client.query(read)).rows.map((r: Record<string, unknown>) => ({ ...r, id: Number(r.id), sent_at: r.sent_at === null ? null : Number(r.sent_at), lease_until: r.lease_until === null ? null : Number(r.lease_until) }));
      expect(onPg).toEqual(onLite);
      expect(onLite.map((r) => [r.status, r.provider_id, r.sent_at, r.lease_until])).toEqual([
        ['sent', 'prov-a', 7_000, null],
        ['sent', null, 7_000, null],
        ['sending', third.provider_id, third.sent_at, 6_000],
      ]);
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retention: each batched delete clears the same rows in batches on both engines, and the replies read the same after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-parity-'));
    copyFileSync(t.source.path, join(dir, 'copy.db'));
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
          n = (await t.target.db.$client.query(pgRetention[name].text(), [...args, 1])).rowCount ?? 0;
          passes.pg.push(n);
        }
        expect(passes.pg, name).toEqual(passes.sqlite);
      }
      const after = lite.prepare(summaries).all();
      expect((await t.target.db.$client.query(summaries)).rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual(after);
      expect(replies.length).toBeGreaterThan(0);
      expect(after.filter((r) => (r as { summary: string }).summary.includes('“'))).toEqual([]);
    } finally {
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
