import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute, rows } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = { sk: string };
const importCsv = (shop: Shop, csv: string) =>
  t.call('POST', '/v1/admin/signups/import', { raw: csv, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });
const exportCsv = (shop: Shop, query = '') => t.call('GET', `/v1/admin/signups.csv${query}`, { headers: { authorization: `Bearer ${shop.sk}` } });

describe('GET /v1/admin/signups.csv', () => {
  it('exports in FIFO order with positions, escaping what a spreadsheet would run', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com', phone: '+14155550123', smsConsent: true });
    const c = await shop.signup({ email: 'c@example.com' });
    await t.call('DELETE', `/v1/storefront/signups/${c.body.signup.token}`);
    const res = await exportCsv(shop);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('email,phone,variant,created_at,status,position,kind,quantity,locale');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      'a@example.com,,4401,2026-03-02T12:00:00.000Z,waiting,1',
      'b@example.com,+14155550123,4401,2026-03-02T12:00:00.000Z,waiting,2',
      'c@example.com,,4401,2026-03-02T12:00:00.000Z,cancelled,',
    ]);
    expect((await exportCsv(shop, '?status=waiting')).body.trim().split('\r\n')).toHaveLength(3);
    expect((await exportCsv(shop, '?status=nope')).status).toBe(400);
    const other = await t.createShop('Other');
    expect((await exportCsv(other)).body.trim().split('\r\n')).toHaveLength(1);
  });
});

describe('POST /v1/admin/signups/import', () => {
  it('keeps file order, maps other apps\' headers, skips duplicates and reports bad rows by number', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'already@example.com' });
    const csv = [
      'Email Address,Variant ID,Created At,Phone Number,SMS Consent,Notes',
      'first@example.com,4401,2025-12-01T10:00:00Z,,,vip',
      'already@example.com,4401,2025-12-01T10:01:00Z,,,',
      'not-an-email,4401,2025-12-01T10:02:00Z,,,',
      'x@example.com,9999,2025-12-01T10:03:00Z,,,',
      ',4401,2025-12-01T10:04:00Z,+14155550199,yes,',
      ',4401,2025-12-01T10:05:00Z,+14155550198,,',
      '"quoted, name@example.com",4401,,,,',
      'second@example.com,4401,yesterday,,,',
      'third@example.com,4401,2025-12-01T10:08:00Z,,,',
    ].join('\n');
    const res = await importCsv(shop, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 3, skipped: 1, errorCount: 5, ignoredColumns: ['Notes'] });
    expect(res.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [4, 'email'],
      [5, 'variant'],
      [7, 'email'],
      [8, 'email'],
      [9, 'created_at'],
    ]);
    const { signups } = (await shop.admin('GET', '/v1/admin/signups?status=waiting')).body;
    expect(signups.map((s: { email: string | null; phone: string | null; position: number }) => [s.email ?? s.phone, s.position])).toEqual([
      ['already@example.com', 1],
      ['first@example.com', 2],
      ['+14155550199', 3],
      ['third@example.com', 4],
    ]);
    expect(signups[1].createdAt).toBe('2025-12-01T10:00:00.000Z');
    expect((await rowCounts(t)).messages).toBe(1); // imports are quiet: only the one live signup was confirmed
  });

  it('a row whose phone is another contact\'s is a row error, not a 500; the rest go in', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'owner@example.com', phone: '+14155550111', smsConsent: true });
    const before = await rowCounts(t);
    const csv = [
      'email,variant,phone,sms_consent',
      'taker@example.com,4401,+14155550111,yes',
      'fine@example.com,4401,+14155550122,yes',
      'twin@example.com,4401,+14155550122,yes',
      'owner@example.com,4401,+14155550111,yes',
    ].join('\n');
    const res = await importCsv(shop, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, skipped: 1, errorCount: 2 });
    expect(res.body.errors).toEqual([
      { row: 2, field: 'phone', message: 'this phone number belongs to another contact' },
      { row: 4, field: 'phone', message: 'this phone number belongs to another contact' },
    ]);
    expect(await rowCounts(t)).toMatchObject({ contacts: before.contacts + 1, signups: before.signups + 1 });
  });

  it.each([
    ['no variant column', 'email\na@example.com', 'header'],
    ['no email or phone column', 'variant\n4401', 'header'],
    ['a JSON body', '{"email":"a@example.com"}', 'body'],
  ])('refuses %s with 400', async (_name, csv, field) => {
    const shop = await shopWithVariant(t);
    const res = field === 'body'
      ? await t.call('POST', '/v1/admin/signups/import', { raw: csv, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'application/json' } })
      : await importCsv(shop, csv);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect((await rowCounts(t)).signups).toBe(0);
  });
});

describe('a CSV round trip of 100,000 signups', () => {
  it('keeps the order, and memory stays flat', async () => {
    const from = await shopWithVariant(t);
    const to = await t.createShop('Copy');
    await to.admin('PUT', '/v1/admin/variants/4401', { title: 'S' });
    // Full size on SQLite; the services-pg project runs a share (PROPERTY_SCALE), as for the property suites.
    const n = Number(process.env.CSV_ROWS ?? Math.round(100_000 * Number(process.env.PROPERTY_SCALE ?? 1)));
    const now = t.clock.now().getTime();
    // n contacts p0…p(n-1), each waiting in that order; set-wise, in SQL both engines read.
    await transaction(t.deps.db, async (tx) => {
      await execute(
        tx,
        sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${n - 1})
            insert into contacts (shop_id, email, locale, token, created_at) select ${from.id}, 'p' || i || '@example.com', 'en', 't' || i, cast(${now} as bigint) from n`,
      );
      await execute(
        tx,
        sql`insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at)
            select shop_id, '4401', id, cast(substr(token, 2) as integer) + 1, 'waitlist', 1, 'waiting', 's' || substr(token, 2), 'en', cast(${now} as bigint) + cast(substr(token, 2) as integer), cast(${now} as bigint)
            from contacts where shop_id = ${from.id}`,
      );
    });

    // Heap still in use after a collection: garbage between collections is not growth.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const sampler = setInterval(() => {
      gc?.();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 100);
    // Over a real socket, so the export streams into the import as it would between two servers.
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = performance.now();
    const res = await fetch(`${base}/v1/admin/signups.csv`, { headers: { authorization: `Bearer ${from.sk}` } });
    const imported = await fetch(`${base}/v1/admin/signups/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${to.sk}`, 'content-type': 'text/csv' },
      body: res.body,
      duplex: 'half',
    } as RequestInit);
    const report = await imported.json();
    clearInterval(sampler);
    server.close();
    const seconds = (performance.now() - started) / 1000;
    expect(report).toMatchObject({ imported: n, skipped: 0, errorCount: 0 });

    const order = async (shopId: string) =>
      (await rows<{ email: string }>(t.deps.db, sql`select c.email from signups s join contacts c on c.id = s.contact_id where s.shop_id = ${shopId} order by s.seq`)).map((r) => r.email);
    const a = await order(from.id);
    const b = await order(to.id);
    expect(b).toEqual(a);
    const growth = (peak - heapBefore) / 1024 / 1024;
    console.log(`csv round trip: ${n} signups in ${seconds.toFixed(1)} s, peak heap growth ${growth.toFixed(1)} MiB`);
    // The file alone is ~7 MB, and held as rows it would be several times that.
    expect(growth).toBeLessThan(20);
  }, 120_000);
});
