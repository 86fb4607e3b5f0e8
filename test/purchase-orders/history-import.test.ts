import { getTableName, is, sql } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.ts';
import { rows } from '../../db/raw.ts';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { importCsv, poState } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

// The clock reads 2026-03-02T12:00:00Z.
type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const HEADER = 'supplier,variant,quantity,quoted_arrival,received_at,received_quantity';
/** Five deliveries of Kiln & Co, each 10 days after its quote, for variant 4402. */
const LATE_HISTORY = ['2025-10-01,2025-10-11', '2025-11-01,2025-11-11', '2025-12-01,2025-12-11', '2026-01-05,2026-01-15', '2026-02-01,2026-02-11'].map((d) => `Kiln & Co,4402,10,${d},`);
const order = (shop: Shop, id: string, quantity: number) =>
  shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, currency: 'USD', total: 2500 * quantity, lineItems: [{ variantId: '4401', quantity, price: 2500 }] });
const variant = async (shop: Shop, id: string) => (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === id);
const etaNotices = async (to: string) => (await allMessages(t)).filter((m) => m.to === to && m.template === 'eta-changed');
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n');
const importAt = (shop: Shop, body: string, query = '') =>
  t.call('POST', `/v1/admin/purchase-orders/import${query}`, { raw: body, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });

/** Rows in every table of the schema: a dry run must leave every one as it was. */
async function everyTable() {
  const out: Record<string, number> = {};
  for (const table of Object.values(schema)) {
    if (!is(table, SQLiteTable)) continue;
    const name = getTableName(table);
    out[name] = Number((await rows<{ n: number }>(t.deps.db, sql`select count(*) as n from ${sql.identifier(name)}`))[0]!.n);
  }
  return out;
}

async function shopWithBackorder() {
  const shop = await shopWithVariant(t);
  await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
  await shop.admin('PUT', '/v1/admin/variants/4403', { title: 'L' });
  await order(shop, 'o1', 1);
  const open = await shop.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Kiln & Co', variantId: '4401', quantity: 10, quotedArrival: '2026-03-20' });
  expect(open.body.notified).toBe(1);
  return shop;
}

describe('importing history', () => {
  it('answers a dry run that writes nothing; with ?confirm=true it writes the same counts and the backorder hears once', async () => {
    const shop = await shopWithBackorder();
    // No history yet: up to a week early or late, plus 2 days handling.
    expect((await variant(shop, '4401')).eta).toEqual({ earliest: '2026-03-15', latest: '2026-03-29' });
    const stock = async () => [(await variant(shop, '4401')).inventory, (await variant(shop, '4402')).inventory];
    const stockBefore = await stock();
    const file = csv(...LATE_HISTORY, 'Other Mill,4403,5,2026-04-01,,');
    const before = await poState(t);
    const tables = await everyTable();

    const dry = await importAt(shop, file);
    expect(dry.status).toBe(200);
    // 4401 moves (its supplier is always 10 days late) and 4403 takes its first range; only o1 waits.
    expect(dry.body).toEqual({ dryRun: true, imported: 6, history: 5, etaChanges: 2, customersTold: 1, ignoredColumns: [] });
    expect(await poState(t)).toEqual(before);
    expect(await everyTable()).toEqual(tables);
    // A second dry run sees the same world.
    expect((await importAt(shop, file, '?confirm=false')).body).toEqual(dry.body);

    const res = await importAt(shop, file, '?confirm=true');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 6, history: 5, notified: dry.body.customersTold, etaChanges: dry.body.etaChanges, ignoredColumns: [] });
    expect(res.body.dryRun).toBeUndefined();
    const pos = res.body.purchaseOrders as Array<{ status: string; receivedQuantity: number; closedAt: string | null; variantId: string }>;
    expect(pos.map((p) => [p.variantId, p.status, p.receivedQuantity, p.closedAt])).toEqual([
      ['4402', 'received', 10, '2025-10-11T00:00:00.000Z'],
      ['4402', 'received', 10, '2025-11-11T00:00:00.000Z'],
      ['4402', 'received', 10, '2025-12-11T00:00:00.000Z'],
      ['4402', 'received', 10, '2026-01-15T00:00:00.000Z'],
      ['4402', 'received', 10, '2026-02-11T00:00:00.000Z'],
      ['4403', 'open', 0, null],
    ]);
    const after = await poState(t);
    expect(after).toMatchObject({ purchaseOrders: before.purchaseOrders + 6, receipts: before.receipts + 5, etaChanges: before.etaChanges + 2, suppliers: before.suppliers + 1 });

    // Ten days late every time: the quoted 20 Mar becomes 30 Mar, plus handling (a range is never one date).
    const moved = await variant(shop, '4401');
    expect(moved.eta.earliest).toBe('2026-04-01');
    expect(moved.eta.latest > moved.eta.earliest).toBe(true);
    expect(moved.etaSource).toMatchObject({ supplier: 'Kiln & Co', slipDays: { low: 10, high: 10 }, basedOn: 'supplier', receipts: 5 });
    const told = await etaNotices('o1@example.com');
    expect(told.map((m) => m.props.reason)).toEqual(['A new shipment is on order from our supplier.', "Updated from our supplier's recent delivery times."]);
    // History changes no stock: nothing was allocated and the backorder still waits.
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-allocated')).toEqual([]);
    expect(await stock()).toEqual(stockBefore);
    const { suppliers } = (await shop.admin('GET', '/v1/admin/suppliers')).body;
    expect(suppliers.find((s: { name: string }) => s.name === 'Kiln & Co')).toMatchObject({ receipts: 5, onTimeRate: 0, medianSlipDays: 10 });
  });

  it('history alone moves no range: the dry run says so, and confirm records closed POs the supplier listing counts', async () => {
    const shop = await shopWithVariant(t);
    const file = [
      'Vendor,Variant ID,Qty,Expected Arrival,Arrived,Received Qty',
      'Loom Ltd,4401,10,2026-01-10,2026-01-09,4',
      'Loom Ltd,4401,6,2026-02-01,2026-02-03T15:30:00Z,',
      'loom ltd,4401,3,2026-03-02,2026-03-02,3',
    ].join('\n');
    const before = await poState(t);
    const dry = await importAt(shop, file);
    expect(dry.body).toEqual({ dryRun: true, imported: 3, history: 3, etaChanges: 0, customersTold: 0, ignoredColumns: [] });
    expect(await poState(t)).toEqual(before);

    const res = await importAt(shop, file, '?confirm=true');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 3, history: 3, notified: 0, etaChanges: 0 });
    expect(res.body.purchaseOrders.map((p: { supplier: string; status: string; receivedQuantity: number; outstanding: number }) => [p.supplier, p.status, p.receivedQuantity, p.outstanding])).toEqual([
      ['Loom Ltd', 'received', 4, 0],
      ['Loom Ltd', 'received', 6, 0],
      ['Loom Ltd', 'received', 3, 0],
    ]);
    const { suppliers } = (await shop.admin('GET', '/v1/admin/suppliers')).body;
    // Slips of -1, 2 and 0 days: one name, matched ignoring case.
    expect(suppliers).toEqual([expect.objectContaining({ name: 'Loom Ltd', receipts: 3, onTimeRate: 2 / 3, medianSlipDays: 0, openPurchaseOrders: [] })]);
    expect((await variant(shop, '4401')).inventory).toBe(0);
    expect((await variant(shop, '4401')).eta).toBeNull();
  });
});

describe('bad history rows', () => {
  const good = 'Kiln & Co,4401,10,2026-01-10,2026-01-12,';
  it.each([
    ['received 400 days before the quote', 'Kiln & Co,4401,10,2026-02-20,2025-01-16,', 'received_at', 'received_at must not be more than a year before quoted_arrival (2026-02-20)'],
    ['received in the future', 'Kiln & Co,4401,10,2026-02-20,2026-03-05,', 'received_at', 'received_at must not be in the future (today is 2026-03-02)'],
    ['received later today', 'Kiln & Co,4401,10,2026-02-20,2026-03-02T18:00:00Z,', 'received_at', 'received_at must not be in the future (today is 2026-03-02)'],
    ['not a date', 'Kiln & Co,4401,10,2026-02-20,last week,', 'received_at', 'received_at must be a date (YYYY-MM-DD) or an ISO 8601 timestamp'],
    ['more received than ordered', 'Kiln & Co,4401,5,2026-02-20,2026-02-21,6', 'received_quantity', 'received_quantity must be at most quantity (5)'],
    ['nothing received', 'Kiln & Co,4401,5,2026-02-20,2026-02-21,0', 'received_quantity', 'received_quantity must be at least 1'],
    ['part of a unit', 'Kiln & Co,4401,5,2026-02-20,2026-02-21,1.5', 'received_quantity', 'received_quantity must be a whole number'],
    ['a received quantity with no date', 'Kiln & Co,4401,5,2026-03-20,,5', 'received_quantity', 'received_quantity needs received_at'],
    ['a quote in the future', 'Kiln & Co,4401,5,2026-03-10,2026-03-01,', 'quoted_arrival', 'quoted_arrival of a received purchase order must not be in the future (today is 2026-03-02)'],
  ])('%s: 400 naming the row, nothing written, with or without confirm', async (_, line, field, message) => {
    const shop = await shopWithVariant(t);
    const before = await poState(t);
    for (const query of ['', '?confirm=true']) {
      const res = await importAt(shop, csv(good, line), query);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'invalid_request', message: '1 row cannot be imported; nothing was imported', field: 'body' },
        errorCount: 1,
        errors: [{ row: 3, field, message }],
      });
      expect(await poState(t)).toEqual(before);
    }
  });

  it('a receipt exactly a year before its quote is history, not a typo', async () => {
    const shop = await shopWithVariant(t);
    const res = await importAt(shop, csv('Kiln & Co,4401,10,2026-02-20,2025-02-20,'), '?confirm=true');
    expect(res.status).toBe(201);
    expect((await shop.admin('GET', '/v1/admin/suppliers')).body.suppliers[0]).toMatchObject({ receipts: 1, medianSlipDays: -365 });
  });
});

describe('open POs alone', () => {
  it('are imported at once, as before history existed; confirm changes nothing about that', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    const first = await importCsv(t, shop.sk, 'supplier,variant,quantity,quoted_arrival\nKiln & Co,4401,10,2026-03-20\n');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ imported: 1, history: 0, notified: 0, etaChanges: 1 });
    const second = await importAt(shop, csv('Kiln & Co,4402,10,2026-03-20,,'), '?confirm=true');
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ imported: 1, history: 0, etaChanges: 1 });
  });

  it('a confirm that is not true or false is refused before anything is read', async () => {
    const shop = await shopWithVariant(t);
    const before = await poState(t);
    const res = await importAt(shop, csv('Kiln & Co,4401,10,2026-01-10,2026-01-12,'), '?confirm=yes');
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('confirm');
    expect(await poState(t)).toEqual(before);
  });
});
