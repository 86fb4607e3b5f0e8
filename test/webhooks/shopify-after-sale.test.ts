import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, type TestEnv } from '../helpers.ts';
import { fixture, shopifyHeaders, shopifySign } from './helpers.ts';

/*
 * SPEC §5: "shipped" only once a fulfillment exists, and a refund is "issued"
 * only once the platform confirmed it. fulfillments/create and refunds/create
 * arrive signed through POST /webhooks/shopify, for order #1042 of the
 * orders-create fixture: 2 × variant 44012345678902, which has no stock.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const VARIANT = '44012345678902';
let deliveries = 0;

/** A fixture as Shopify signed it, or (with `body`) a changed copy signed the same way under a new webhook id. */
async function deliver(name: string, over: { body?: unknown; headers?: Record<string, string> } = {}) {
  const raw = over.body === undefined ? fixture(`shopify/${name}.raw-body.json`) : JSON.stringify(over.body);
  const changed: Record<string, string> = over.body === undefined ? {} : { 'X-Shopify-Hmac-Sha256': shopifySign(raw), 'X-Shopify-Webhook-Id': `changed-${++deliveries}` };
  const res = await t.call('POST', '/webhooks/shopify', { raw, headers: { ...shopifyHeaders(name), ...changed, ...over.headers } });
  await runJobs(t);
  return res;
}
const payload = (name: string) => JSON.parse(fixture(`shopify/${name}.raw-body.json`)) as Record<string, any>;

/** A shop whose customer jane@example.com owes 2 units on order #1042. */
async function backordered() {
  const shop = await t.createShop('Demo Store', { shopify: { domain: 'demo-store.myshopify.com', webhookSecret: 'test_shopify_app_client_secret_123' } });
  await deliver('products-update');
  await deliver('orders-create');
  const lines = async () => (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
  expect(await lines()).toMatchObject([{ orderId: '6012345678901', orderName: '#1042', variantId: VARIANT, quantity: 2, status: 'open' }]);
  const inventory = async () => (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === VARIANT).inventory;
  return { shop, lines, inventory };
}
const told = async () => (await allMessages(t)).filter((m) => m.to === 'jane@example.com').map((m) => m.template);

describe('fulfillments/create', () => {
  it('stock arriving says "being packed"; the fulfillment says "on its way" with the carrier and tracking, once', async () => {
    const { shop, lines, inventory } = await backordered();
    await shop.admin('POST', `/v1/admin/variants/${VARIANT}/inventory`, { available: 0 });
    expect(await lines()).toMatchObject([{ status: 'allocated', served: 2 }]);
    expect(await told()).toEqual(['backorder-ack', 'backorder-allocated']);

    expect((await deliver('fulfillments-create')).body).toEqual({ ok: true, status: 'queued' });
    const [line] = await lines();
    expect(line).toMatchObject({
      status: 'shipped',
      tracking: { carrier: 'UPS', trackingNumber: '1Z2345E80312345678', trackingUrl: 'https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z2345E80312345678' },
    });
    const shipped = (await allMessages(t)).find((m) => m.template === 'backorder-shipped')!;
    expect(shipped.text).toContain('2 × Ocean Blue Tee – M is on its way to you.');
    expect(shipped.text).toContain('Tracking: UPS 1Z2345E80312345678');
    expect(shipped.html).toContain('https://www.ups.com/WebTracking?loc=en_US&amp;requester=ST&amp;trackNums=1Z2345E80312345678');
    expect(await inventory()).toBe(0);

    // The same delivery again, and a second fulfillment of the same order line: nothing twice.
    expect((await deliver('fulfillments-create')).body.status).toBe('duplicate');
    await deliver('fulfillments-create', { body: { ...payload('fulfillments-create'), id: 5112345678902 } });
    expect(await told()).toEqual(['backorder-ack', 'backorder-allocated', 'backorder-shipped']);
  });

  it('a line shipped from elsewhere before stock came leaves the queue; a pending, cancelled or partial fulfillment is no shipment', async () => {
    const { shop, lines, inventory } = await backordered();
    const base = payload('fulfillments-create');
    const partial = { ...base, line_items: [{ ...base.line_items[0], quantity: 1, fulfillable_quantity: 1, fulfillment_status: 'partial' }] };
    for (const body of [{ ...base, status: 'pending' }, { ...base, status: 'cancelled' }, { ...base, status: 'failure' }, partial]) {
      expect((await deliver('fulfillments-create', { body })).status).toBe(200);
    }
    expect(await lines()).toMatchObject([{ status: 'open' }]);
    expect(await told()).toEqual(['backorder-ack']);

    // An older payload without the count still says the line is fulfilled.
    const { fulfillable_quantity: _omitted, ...item } = base.line_items[0];
    void _omitted;
    await deliver('fulfillments-create', { body: { ...base, tracking_url: 'javascript:alert(1)', tracking_urls: [], line_items: [{ ...item, fulfillment_status: 'fulfilled' }] } });
    expect(await lines()).toMatchObject([{ status: 'shipped', tracking: { carrier: 'UPS', trackingNumber: '1Z2345E80312345678' } }]);
    expect((await lines())[0].tracking.trackingUrl).toBeUndefined();
    expect(await told()).toEqual(['backorder-ack', 'backorder-shipped']);
    expect(await inventory()).toBe(0); // the 2 owed units are owed no more
  });
});

describe('refunds/create', () => {
  it("the customer's cancel says the refund is requested; Shopify's refund says it was issued, once", async () => {
    const { shop, lines } = await backordered();
    const link = (await allMessages(t))[0]!.text.match(/https:\/\/waitline\.test(\/b\/[\w-]+)/)![1]!;
    expect((await t.call('POST', link)).status).toBe(200);
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled']);

    // No money moved: a pending or failed transaction, or a refund with no transaction (a restock alone).
    const base = payload('refunds-create');
    for (const transactions of [[{ ...base.transactions[0], status: 'pending' }], [{ ...base.transactions[0], status: 'failure' }], []]) {
      await deliver('refunds-create', { body: { ...base, transactions } });
    }
    expect(await lines()).toMatchObject([{ status: 'cancelled', refundedAt: null }]);
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled']);

    await deliver('refunds-create');
    expect(await lines()).toMatchObject([{ status: 'refunded', refundedAmount: 5000 }]);
    const refunded = (await allMessages(t)).find((m) => m.template === 'backorder-refunded')!;
    expect(refunded.text).toContain('Demo Store issued your refund of $50.00 for 2 × Ocean Blue Tee – M from order #1042.');
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations).toMatchObject([{ kind: 'refund', status: 'resolved' }]);

    expect((await deliver('refunds-create')).body.status).toBe('duplicate');
    await deliver('refunds-create', { body: { ...base, id: 9212345678902 } });
    expect((await shop.admin('POST', `/v1/admin/backorders/${(await lines())[0].id}/refunded`, {})).status).toBe(409);
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
  });

  it('a refund of a line still waiting takes it out of the queue; a refund of part of it tells nobody', async () => {
    const { lines, inventory } = await backordered();
    const base = payload('refunds-create');
    const one = { ...base.refund_line_items[0], quantity: 1, subtotal: 25.0 };
    await deliver('refunds-create', { body: { ...base, refund_line_items: [one] } });
    expect(await lines()).toMatchObject([{ status: 'open', refundedAt: null }]);
    expect(await told()).toEqual(['backorder-ack']);

    await deliver('refunds-create');
    expect(await lines()).toMatchObject([{ status: 'refunded', refundedAmount: 5000, nextUpdateAt: null }]);
    expect(await inventory()).toBe(0);
    expect(await told()).toEqual(['backorder-ack', 'backorder-refunded']);
  });
});

describe('forged deliveries', () => {
  it.each(['fulfillments-create', 'refunds-create'])('a forged %s is refused with 401 and changes nothing', async (name) => {
    const { lines } = await backordered();
    const before = await rowCounts(t);
    // Signed over another body, and signed with another secret.
    for (const hmac of [shopifySign('{}'), shopifySign(fixture(`shopify/${name}.raw-body.json`), 'not_the_app_secret')]) {
      const res = await t.call('POST', '/webhooks/shopify', { raw: fixture(`shopify/${name}.raw-body.json`), headers: { ...shopifyHeaders(name), 'X-Shopify-Hmac-Sha256': hmac } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    await runJobs(t);
    expect(await rowCounts(t)).toEqual(before);
    expect(await lines()).toMatchObject([{ status: 'open', refundedAt: null }]);
    expect(await told()).toEqual(['backorder-ack']);
  });
});
