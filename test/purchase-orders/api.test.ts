import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { importCsv, poState } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const DAY = 86_400_000;
const po = { supplier: 'Kiln & Co', variantId: '4401', quantity: 10, quotedArrival: '2026-03-20' };

describe('POST /v1/admin/purchase-orders', () => {
  it('records the PO, creates the supplier by name, and lists it with filters and a cursor', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('POST', '/v1/admin/purchase-orders', po);
    expect(res.status).toBe(201);
    expect(res.body.purchaseOrder).toEqual({
      id: expect.any(Number),
      supplierId: expect.any(Number),
      supplier: 'Kiln & Co',
      variantId: '4401',
      quantity: 10,
      receivedQuantity: 0,
      outstanding: 10,
      quotedArrival: '2026-03-20',
      status: 'open',
      createdAt: '2026-03-02T12:00:00.000Z',
      updatedAt: '2026-03-02T12:00:00.000Z',
      closedAt: null,
    });
    const second = await shop.admin('POST', '/v1/admin/purchase-orders', { ...po, quantity: 4, quotedArrival: '2026-03-02' }); // today is allowed
    expect(second.body.purchaseOrder.supplierId).toBe(res.body.purchaseOrder.supplierId);
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    await shop.admin('POST', '/v1/admin/purchase-orders', { ...po, variantId: '4402', supplier: 'Other Mill' });

    const page1 = await shop.admin('GET', '/v1/admin/purchase-orders?variantId=4401&limit=1');
    expect(page1.body.purchaseOrders.map((p: { quantity: number }) => p.quantity)).toEqual([10]);
    const page2 = await shop.admin('GET', `/v1/admin/purchase-orders?variantId=4401&limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ purchaseOrders: [{ quantity: 4 }], nextCursor: null });
    expect((await shop.admin('GET', '/v1/admin/purchase-orders?status=received')).body.purchaseOrders).toEqual([]);
    expect((await shop.admin('GET', `/v1/admin/purchase-orders/${res.body.purchaseOrder.id}`)).body.purchaseOrder.id).toBe(res.body.purchaseOrder.id);
  });

  it.each([
    [{ ...po, quotedArrival: '2026-03-01' }, 400, 'quotedArrival'],
    [{ ...po, quotedArrival: '2026-02-30' }, 400, 'quotedArrival'],
    [{ ...po, quantity: 0 }, 400, 'quantity'],
    [{ ...po, quantity: 1.5 }, 400, 'quantity'],
    [{ ...po, supplier: '' }, 400, 'supplier'],
    [{ ...po, supplier: '<b>x</b>' }, 400, 'supplier'],
    [{ ...po, extra: 1 }, 400, undefined],
    [{ ...po, variantId: 'nope' }, 404, undefined],
  ])('refuses %j and changes nothing', async (body, status, field) => {
    const shop = await shopWithVariant(t);
    const before = await poState(t);
    const res = await shop.admin('POST', '/v1/admin/purchase-orders', body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await poState(t)).toEqual(before);
  });
});

describe('receive, requote and close: bad input', () => {
  it.each([
    ['receive more than outstanding', 'POST', 'receive', { quantity: 11 }, 400, 'quantity'],
    ['receive nothing', 'POST', 'receive', { quantity: 0 }, 400, 'quantity'],
    ['receive in the future', 'POST', 'receive', { quantity: 1, receivedAt: '2026-03-03T00:00:00Z' }, 400, 'receivedAt'],
    ['receive with a bad date', 'POST', 'receive', { quantity: 1, receivedAt: 'yesterday' }, 400, 'receivedAt'],
    ['requote into the past', 'PATCH', '', { quotedArrival: '2026-03-01' }, 400, 'quotedArrival'],
    ['requote with another field', 'PATCH', '', { quotedArrival: '2026-03-25', quantity: 3 }, 400, undefined],
  ])('%s is refused and nothing changes', async (_, method, action, body, status, field) => {
    const shop = await shopWithVariant(t);
    const { id } = (await shop.admin('POST', '/v1/admin/purchase-orders', po)).body.purchaseOrder;
    const before = await poState(t);
    const res = await shop.admin(method, `/v1/admin/purchase-orders/${id}${action ? `/${action}` : ''}`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await poState(t)).toEqual(before);
  });

  it('a closed PO cannot be received, requoted or closed again (409)', async () => {
    const shop = await shopWithVariant(t);
    const { id } = (await shop.admin('POST', '/v1/admin/purchase-orders', po)).body.purchaseOrder;
    expect((await shop.admin('POST', `/v1/admin/purchase-orders/${id}/receive`, { quantity: 10 })).body.purchaseOrder.status).toBe('received');
    const before = await poState(t);
    for (const [method, path, body] of [['POST', '/receive', { quantity: 1 }], ['PATCH', '', { quotedArrival: '2026-04-01' }], ['POST', '/close', undefined]] as const) {
      const res = await shop.admin(method, `/v1/admin/purchase-orders/${id}${path}`, body);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', message: `Purchase order ${id} is closed (received); only an open one can change` });
    }
    expect(await poState(t)).toEqual(before);
  });

  it('closing short: received units stay, the rest stop counting; nothing received → cancelled', async () => {
    const shop = await shopWithVariant(t);
    const a = (await shop.admin('POST', '/v1/admin/purchase-orders', po)).body.purchaseOrder;
    const b = (await shop.admin('POST', '/v1/admin/purchase-orders', po)).body.purchaseOrder;
    await shop.admin('POST', `/v1/admin/purchase-orders/${a.id}/receive`, { quantity: 4 });
    expect((await shop.admin('POST', `/v1/admin/purchase-orders/${a.id}/close`)).body.purchaseOrder).toMatchObject({ status: 'received', receivedQuantity: 4, outstanding: 0, closedAt: '2026-03-02T12:00:00.000Z' });
    expect((await shop.admin('POST', `/v1/admin/purchase-orders/${b.id}/close`)).body.purchaseOrder).toMatchObject({ status: 'cancelled', receivedQuantity: 0 });
  });
});

describe('security', () => {
  it("another shop's PO or variant is not found, and nothing changes; no key is 401", async () => {
    const shop = await shopWithVariant(t);
    const { id } = (await shop.admin('POST', '/v1/admin/purchase-orders', po)).body.purchaseOrder;
    const other = await t.createShop('Other');
    const before = await poState(t);
    expect((await other.admin('POST', `/v1/admin/purchase-orders/${id}/receive`, { quantity: 1 })).status).toBe(404);
    expect((await other.admin('PATCH', `/v1/admin/purchase-orders/${id}`, { quotedArrival: '2026-04-01' })).status).toBe(404);
    expect((await other.admin('POST', `/v1/admin/purchase-orders/${id}/close`)).status).toBe(404);
    expect((await other.admin('GET', `/v1/admin/purchase-orders/${id}`)).body.error).toEqual({ code: 'not_found', message: 'Purchase order not found' });
    expect((await other.admin('POST', '/v1/admin/purchase-orders', po)).body.error.message).toBe('Variant not found');
    expect((await other.admin('GET', '/v1/admin/purchase-orders')).body.purchaseOrders).toEqual([]);
    expect((await other.admin('GET', '/v1/admin/suppliers')).body.suppliers).toEqual([]);
    expect(await poState(t)).toEqual(before);
    for (const [method, path] of [['GET', '/v1/admin/purchase-orders'], ['POST', `/v1/admin/purchase-orders/${id}/receive`], ['GET', '/v1/admin/suppliers']]) {
      expect((await t.call(method!, path!, method === 'GET' ? {} : { body: { quantity: 1 } })).status).toBe(401);
    }
    expect((await t.call('POST', `/v1/admin/purchase-orders/${id}/receive`, { body: { quantity: 1 }, headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
    expect(await poState(t)).toEqual(before);
  });
});

describe('GET /v1/admin/suppliers', () => {
  it('on-time rate, median slip, the slip range ETAs use, and the open POs', async () => {
    const shop = await shopWithVariant(t);
    // Five deliveries quoted for today, received 0, 0, 3, 5 and 8 days later.
    for (const late of [0, 0, 3, 5, 8]) {
      const { id } = (await shop.admin('POST', '/v1/admin/purchase-orders', { ...po, quantity: 1, quotedArrival: t.clock.now().toISOString().slice(0, 10) })).body.purchaseOrder;
      t.clock.advance(late * DAY);
      expect((await shop.admin('POST', `/v1/admin/purchase-orders/${id}/receive`, { quantity: 1 })).body.receipt.slipDays).toBe(late);
    }
    const open = (await shop.admin('POST', '/v1/admin/purchase-orders', { ...po, quotedArrival: '2026-05-01' })).body.purchaseOrder;
    await shop.admin('POST', '/v1/admin/purchase-orders', { ...po, supplier: 'New Mill' });
    const { suppliers, nextCursor } = (await shop.admin('GET', '/v1/admin/suppliers')).body;
    expect(nextCursor).toBeNull();
    expect(suppliers).toEqual([
      { id: expect.any(Number), name: 'Kiln & Co', receipts: 5, onTimeRate: 0.4, medianSlipDays: 3, slipRange: { low: -2, high: 8, basedOn: 'supplier' }, openPurchaseOrders: [open], createdAt: '2026-03-02T12:00:00.000Z' },
      // No history of its own: the prior alone, centred on the quote.
      { id: expect.any(Number), name: 'New Mill', receipts: 0, onTimeRate: null, medianSlipDays: null, slipRange: { low: -7, high: 7, basedOn: 'prior' }, openPurchaseOrders: [expect.objectContaining({ supplier: 'New Mill' })], createdAt: expect.any(String) },
    ]);
  });
});

describe('POST /v1/admin/purchase-orders/import', () => {
  it('imports every row, mapping header names, and tells the variant its ETA', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    const res = await importCsv(t, shop.sk, 'Supplier,Variant ID,Qty,Quoted Arrival,Notes\nKiln & Co,4401,10,2026-03-20,first\n"Mill, Ltd",4402,5,2026-04-01,\n');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ imported: 2, notified: 0, ignoredColumns: ['Notes'] });
    expect(res.body.purchaseOrders.map((p: { supplier: string; variantId: string }) => [p.supplier, p.variantId])).toEqual([['Kiln & Co', '4401'], ['Mill, Ltd', '4402']]);
    const variants = (await shop.admin('GET', '/v1/admin/variants')).body.variants;
    expect(variants.map((v: { eta: unknown }) => v.eta)).toEqual([{ earliest: '2026-03-15', latest: '2026-03-29' }, { earliest: '2026-03-27', latest: '2026-04-10' }]);
  });

  it('is all or nothing: every bad row is reported by number and nothing is imported', async () => {
    const shop = await shopWithVariant(t);
    const other = await t.createShop('Other');
    await other.admin('PUT', '/v1/admin/variants/9999', { title: 'Theirs' });
    const before = await poState(t);
    const csv = ['supplier,variant,quantity,quoted_arrival', 'Kiln,4401,10,2026-03-20', 'Kiln,4401,0,2026-03-20', ',4401,1,2026-03-20', 'Kiln,4401,1,2026-02-01', 'Kiln,9999,1,2026-03-20', 'Kiln,4401,2,next week'].join('\n');
    const res = await importCsv(t, shop.sk, csv);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'invalid_request', message: '5 rows cannot be imported; nothing was imported', field: 'body' },
      errorCount: 5,
      errors: [
        { row: 3, field: 'quantity', message: 'quantity must be at least 1' },
        { row: 4, field: 'supplier', message: 'supplier is required' },
        { row: 5, field: 'quoted_arrival', message: 'quoted_arrival must not be in the past (today is 2026-03-02)' },
        { row: 6, field: 'variant', message: 'unknown variant 9999' },
        { row: 7, field: 'quoted_arrival', message: 'quoted_arrival must be a date as YYYY-MM-DD' },
      ],
    });
    expect(await poState(t)).toEqual(before);
  });

  it.each([
    ['a missing column', 'supplier,variant,quantity\nKiln,4401,1', 'text/csv', 'header'],
    ['JSON instead of CSV', '{"supplier":"Kiln"}', 'application/json', 'body'],
    ['an unreadable file', 'supplier,variant,quantity,quoted_arrival\n"Kiln,4401,1,2026-03-20', 'text/csv', 'body'],
  ])('refuses %s with 400', async (_, csv, type, field) => {
    const shop = await shopWithVariant(t);
    const before = await poState(t);
    const res = await importCsv(t, shop.sk, csv, type);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(await poState(t)).toEqual(before);
  });
});

describe('ETA settings', () => {
  it('default to P2D and take whole days only', async () => {
    const shop = await shopWithVariant(t);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings).toMatchObject({ etaHandlingBuffer: 'P2D', etaShiftThreshold: 'P2D' });
    expect((await shop.admin('PATCH', '/v1/admin/settings', { etaHandlingBuffer: 'P0D', etaShiftThreshold: 'P1W' })).status).toBe(200);
    for (const bad of ['PT5H', 'P400D', 'soon']) {
      const res = await shop.admin('PATCH', '/v1/admin/settings', { etaHandlingBuffer: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('etaHandlingBuffer');
    }
  });
});
