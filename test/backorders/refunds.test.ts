import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;

const order = (shop: Shop, id: string, quantity: number, price = 2500) =>
  shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, currency: 'USD', total: price * quantity, lineItems: [{ variantId: '4401', quantity, price }] });
const mail = async (to: string) => (await allMessages(t)).filter((m) => m.to === to);
const cancelLink = async (to: string) => (await mail(to))[0]!.text.match(/https:\/\/waitline\.test(\/b\/[\w-]+)/)![1]! as string;
const lineId = async (orderId: string) => (await first<{ id: number }>(t.deps.db, sql`select id from backorders where order_id = ${orderId}`))!.id;
const inventory = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0].inventory as number;

describe('a refund is announced only once it is on record', () => {
  it('a customer cancel says the refund is requested; POST /refunded tells them it was issued, once', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, price: 2500 });
    await order(shop, 'o1', 2);
    const done = await t.call('POST', await cancelLink('o1@example.com'));
    expect(done.status).toBe(200);
    expect(done.body).toContain("We've asked Acme Goods to refund you $50.00; you'll get an email when it's done.");
    expect(done.body).not.toMatch(/on its way|was issued/);
    const cancelled = (await mail('o1@example.com')).find((m) => m.template === 'backorder-cancelled')!;
    expect(cancelled.subject).not.toMatch(/refund/i);
    expect(cancelled.text).toContain("asked Acme Goods to refund you $50.00. You'll get an email when it's done.");
    expect(cancelled.text).not.toMatch(/on its way|with a full refund/);

    const id = await lineId('o1');
    const res = await shop.admin('POST', `/v1/admin/backorders/${id}/refunded`, {});
    expect(res.status).toBe(200);
    expect(res.body.backorder).toMatchObject({ id, orderId: 'o1', status: 'refunded', refundedAmount: 5000, quantity: 2 });
    const refunded = (await mail('o1@example.com')).filter((m) => m.template === 'backorder-refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]!.subject).toContain('Your refund for Ocean Tee – S was issued');
    expect(refunded[0]!.text).toContain('Acme Goods issued your refund of $50.00 for 2 × Ocean Tee – S from order o1.');
    // The merchant's task is done, and the customer's link says so.
    const [escalation] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalation).toMatchObject({ kind: 'refund', status: 'resolved' });
    expect((await t.call('GET', await cancelLink('o1@example.com'))).body).toContain('cancelled and refunded');

    const again = await shop.admin('POST', `/v1/admin/backorders/${id}/refunded`, { amount: 5000 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect((await mail('o1@example.com')).filter((m) => m.template === 'backorder-refunded')).toHaveLength(1);
  });

  it('a refund of a line still waiting takes it out of the queue: the next order is served first', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 2);
    await order(shop, 'o2', 1);
    expect(await inventory(shop)).toBe(-3);
    const res = await shop.admin('POST', `/v1/admin/backorders/${await lineId('o1')}/refunded`, { amount: 1999 });
    expect(res.status).toBe(200);
    expect(res.body.backorder).toMatchObject({ status: 'refunded', refundedAmount: 1999, nextUpdateAt: null });
    expect(await inventory(shop)).toBe(-1);
    expect((await mail('o1@example.com')).find((m) => m.template === 'backorder-refunded')!.text).toContain('$19.99');
    t.clock.advance(20 * DAY);
    await runJobs(t);
    expect((await mail('o1@example.com')).map((m) => m.template)).toEqual(['backorder-ack', 'backorder-refunded']);
    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 });
    expect(restock.body.allocation.backordersServed).toBe(1);
    expect((await mail('o2@example.com')).map((m) => m.template)).toContain('backorder-allocated');
  });

  it('refuses a bad amount, an unknown or foreign line and one served from stock, and stores and sends nothing', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 2);
    await order(shop, 'o2', 1);
    const other = await t.createShop('Other');
    const id = await lineId('o1');
    const before = await rowCounts(t);
    const cases: Array<[string, string, unknown, number, string?]> = [
      ['more than was paid', `/v1/admin/backorders/${id}/refunded`, { amount: 5001 }, 400, 'amount'],
      ['zero', `/v1/admin/backorders/${id}/refunded`, { amount: 0 }, 400, 'amount'],
      ['negative', `/v1/admin/backorders/${id}/refunded`, { amount: -5 }, 400, 'amount'],
      ['a fraction', `/v1/admin/backorders/${id}/refunded`, { amount: 10.5 }, 400, 'amount'],
      ['a string', `/v1/admin/backorders/${id}/refunded`, { amount: '5000' }, 400, 'amount'],
      ['an unknown field', `/v1/admin/backorders/${id}/refunded`, { amount: 100, note: 'x' }, 400],
      ['a bad id', '/v1/admin/backorders/abc/refunded', {}, 400],
      ['an unknown id', '/v1/admin/backorders/999999/refunded', {}, 404],
    ];
    for (const [name, path, body, status, field] of cases) {
      const res = await shop.admin('POST', path, body);
      expect(res.status, name).toBe(status);
      if (field) expect(res.body.error.field, name).toBe(field);
    }
    expect((await other.admin('POST', `/v1/admin/backorders/${id}/refunded`, {})).status).toBe(404);
    expect(await rowCounts(t)).toEqual(before);
    expect(await first(t.deps.db, sql`select count(*) as n from backorders where refunded_at is not null`)).toEqual({ n: 0 });

    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 }); // both lines are served
    const served = await shop.admin('POST', `/v1/admin/backorders/${id}/refunded`, {});
    expect(served.status).toBe(409);
    expect((await mail('o1@example.com')).map((m) => m.template)).not.toContain('backorder-refunded');
  });
});

describe('a large order is never cancelled by its customer alone', () => {
  // The default threshold is 500.00: 2 × 300.00 is above it.
  it('the link asks for a review: the POST cancels nothing, promises no refund, and a person gets the request', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, price: 30000 });
    await order(shop, 'big', 2, 30000);
    const ack = (await mail('big@example.com'))[0]!;
    expect(ack.text).toContain('Ask to cancel');
    expect(ack.text).not.toMatch(/full refund/);
    const link = await cancelLink('big@example.com');

    const page = await t.call('GET', link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('A person from Acme Goods reviews the cancellation of an order this size.');
    expect(page.body).not.toMatch(/refund of/);

    const res = await t.call('POST', link);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Nothing is cancelled or refunded yet.');
    expect(res.body).not.toMatch(/asked Acme Goods to refund|refund of \$/);
    expect(await inventory(shop)).toBe(-2);
    expect((await mail('big@example.com')).map((m) => m.template)).toEqual(['backorder-ack']);
    const kinds = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations.map((e: { kind: string }) => e.kind);
    expect(kinds.sort()).toEqual(['cancel_request', 'order_value']);
    // Asking twice opens no second task.
    await t.call('POST', link);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations).toHaveLength(2);
  });

  it('day 14 offers no cancel to a large order, even once its escalations are resolved', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, price: 30000 });
    await order(shop, 'big', 2, 30000);
    for (const e of (await shop.admin('GET', '/v1/admin/escalations')).body.escalations) {
      await shop.admin('POST', `/v1/admin/escalations/${e.id}/resolve`, {});
    }
    for (let i = 0; i < 15; i++) {
      t.clock.advance(DAY);
      await runJobs(t);
    }
    const day14 = (await mail('big@example.com')).find((m) => m.props.stage === 'cancel')!;
    expect(day14.props.offerCancel).toBe(false);
    expect(day14.text).not.toMatch(/full refund/);
  });
});

describe('GET /v1/admin/backorders', () => {
  it('lists lines in FIFO with their status, filters and pages, and shows only this shop', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: { earliest: '2026-03-05', latest: '2026-03-10' } });
    for (const id of ['o1', 'o2', 'o3', 'o4']) await order(shop, id, 1);
    await t.call('POST', await cancelLink('o2@example.com'));
    await shop.admin('POST', `/v1/admin/backorders/${await lineId('o3')}/refunded`, {});
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 }); // o1 is served from stock
    const other = await t.createShop('Other');
    expect((await other.admin('GET', '/v1/admin/backorders')).body).toEqual({ backorders: [], nextCursor: null });

    const all = (await shop.admin('GET', '/v1/admin/backorders')).body;
    expect(all.backorders.map((b: { orderId: string; status: string }) => `${b.orderId}:${b.status}`)).toEqual(['o1:allocated', 'o2:cancelled', 'o3:refunded', 'o4:open']);
    expect(all.backorders[3]).toMatchObject({ orderName: 'o4', variantId: '4401', quantity: 1, eta: { earliest: '2026-03-05', latest: '2026-03-10' } });
    expect(all.backorders[3].nextUpdateAt).toBe(new Date(t.clock.now().getTime() + 3 * DAY).toISOString());
    const ids = async (query: string) => (await shop.admin('GET', `/v1/admin/backorders?${query}`)).body.backorders.map((b: { orderId: string }) => b.orderId);
    expect(await ids('status=open')).toEqual(['o4']);
    expect(await ids('status=allocated')).toEqual(['o1']);
    expect(await ids('status=shipped')).toEqual([]);
    expect(await ids('status=refunded')).toEqual(['o3']);
    expect(await ids('status=cancelled')).toEqual(['o2']);
    expect(await ids('status=late')).toEqual([]);
    t.clock.advance(10 * DAY);
    expect(await ids('status=late')).toEqual(['o4']);
    expect(await ids('variantId=other')).toEqual([]);
    const first = (await shop.admin('GET', '/v1/admin/backorders?limit=3')).body;
    expect(first.backorders).toHaveLength(3);
    expect(await ids(`cursor=${first.nextCursor}`)).toEqual(['o4']);
    for (const bad of ['status=maybe', 'limit=0', 'limit=201', 'cursor=-1', 'supplierId=x', 'extra=1']) {
      expect((await shop.admin('GET', `/v1/admin/backorders?${bad}`)).status, bad).toBe(400);
    }
  });
});

describe('POST /v1/admin/backorders/:id/fulfilled', () => {
  it('a shipment made outside Waitline: the customer is told once, with tracking, and the next line moves up', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 2);
    await order(shop, 'o2', 1);
    const other = await t.createShop('Other');
    const id = await lineId('o1');
    const before = await rowCounts(t);
    const cases: Array<[string, unknown, number, string?]> = [
      ['a script URL', { trackingUrl: 'javascript:alert(1)' }, 400, 'trackingUrl'],
      ['markup in the carrier', { carrier: '<b>UPS</b>' }, 400, 'carrier'],
      ['an unknown field', { carrier: 'UPS', note: 'x' }, 400],
    ];
    for (const [name, body, status, field] of cases) {
      const res = await shop.admin('POST', `/v1/admin/backorders/${id}/fulfilled`, body);
      expect(res.status, name).toBe(status);
      if (field) expect(res.body.error.field, name).toBe(field);
    }
    expect((await other.admin('POST', `/v1/admin/backorders/${id}/fulfilled`, {})).status).toBe(404);
    expect(await rowCounts(t)).toEqual(before);

    const tracking = { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/track/1Z999' };
    const res = await shop.admin('POST', `/v1/admin/backorders/${id}/fulfilled`, tracking);
    expect(res.status).toBe(200);
    expect(res.body.backorder).toMatchObject({ id, status: 'shipped', served: 2, tracking, nextUpdateAt: null });
    expect(await inventory(shop)).toBe(-1);
    const shipped = (await mail('o1@example.com')).filter((m) => m.template === 'backorder-shipped');
    expect(shipped).toHaveLength(1);
    expect(shipped[0]!.text).toContain('2 × Ocean Tee – S is on its way to you.');
    expect(shipped[0]!.text).toContain('Tracking: UPS 1Z999');
    expect(shipped[0]!.html).toContain('https://ups.example/track/1Z999');

    expect((await shop.admin('POST', `/v1/admin/backorders/${id}/fulfilled`, tracking)).status).toBe(409);
    expect((await shop.admin('POST', `/v1/admin/backorders/${id}/refunded`, {})).status).toBe(409);
    expect((await mail('o1@example.com')).filter((m) => m.template === 'backorder-shipped')).toHaveLength(1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 });
    expect((await mail('o2@example.com')).map((m) => m.template)).toContain('backorder-allocated');
    t.clock.advance(20 * DAY);
    await runJobs(t);
    expect((await mail('o1@example.com')).map((m) => m.template)).toEqual(['backorder-ack', 'backorder-shipped']);
  });
});
