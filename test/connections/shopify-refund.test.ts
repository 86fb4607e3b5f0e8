import { beforeEach, describe, expect, it } from 'vitest';
import { allMessages, runJobs, type TestEnv } from '../helpers.ts';
import type { ShopifyStub } from '../stubs/shopify-stub.ts';
import { connectedStore, LOCATION, type ConnectedStore } from './connected-store.ts';

/*
 * Issue 19, point 7: a customer's cancel of a backorder line on a connected
 * Shopify store is refunded on the store by Waitline (refundCreate, restock
 * CANCEL, under one idempotency key), the customer hears "issued" only once
 * Shopify answered with the refund, a retry reads the order's refunds back
 * first so none is made twice, a refund the store will not make goes to a
 * person, and every write-back is logged with who asked for it.
 */
const TOKEN = 'shpat_refund_test_token';
const ORDER = '5512345678901';
const LINE_ITEM = '15512345678901';

const store = connectedStore(TOKEN);
let t: TestEnv;
let stub: ShopifyStub;
let shop: ConnectedStore['shop'];
let variantId: string;
let itemId: string;
beforeEach(() => void ({ t, stub, shop, variantId, itemId } = store));
const { webhook, stamp } = store;

/** Order #1001: `quantity` × the variant at $25.00, none in stock, so all of it is owed; the store knows the order too. */
async function backorder(quantity = 2, price = '25.00') {
  stub.addOrder({ id: ORDER, name: '#1001', currencyCode: 'USD', lineItems: [{ id: LINE_ITEM, variantId, quantity, price }] });
  await webhook('orders/create', {
    id: Number(ORDER),
    name: '#1001',
    email: 'jane@example.com',
    currency: 'USD',
    total_price: (Number(price) * quantity).toFixed(2),
    created_at: stamp(),
    line_items: [{ id: Number(LINE_ITEM), variant_id: Number(variantId), quantity, price }],
  });
  stub.setQuantities(itemId, LOCATION, { available: -quantity });
  await webhook('inventory_levels/update', { inventory_item_id: Number(itemId), location_id: Number(LOCATION), available: -quantity, updated_at: stamp() });
  const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
  expect(line).toMatchObject({ orderId: ORDER, quantity, status: 'open' });
  return line as { id: number };
}

const cancelLink = async () => /https:\/\/waitline\.test(\/b\/[\w-]+)/.exec((await allMessages(t)).find((m) => m.template === 'backorder-ack')!.text)![1]!;
const told = async () => (await allMessages(t)).filter((m) => m.to === 'jane@example.com').map((m) => m.template);
const writeBacks = async () => (await shop.admin('GET', '/v1/admin/write-backs')).body.writeBacks;
const escalations = async () => (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;

describe('a customer cancels a backorder on a connected store', () => {
  it('Waitline refunds it on Shopify, says "issued" only once Shopify answered, and logs who asked', async () => {
    const line = await backorder();
    const cancel = await t.call('POST', await cancelLink());
    expect(cancel.status).toBe(200);
    expect(cancel.body).toContain("Cancelled. We've asked Stub Store to refund you $50.00");
    // Asked of the store, not of a person; nothing is said to be refunded yet.
    expect(stub.refundsMade).toHaveLength(0);
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled']);
    expect((await escalations()).filter((e: { kind: string }) => e.kind === 'refund')).toEqual([]);

    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(1);
    expect(stub.refundsMade[0]!.input).toMatchObject({ refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${LINE_ITEM}`, quantity: 2, restockType: 'CANCEL' }] });
    const [backorderRow] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(backorderRow).toMatchObject({ id: line.id, status: 'refunded', refundedAmount: 5000 });
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
    const refunded = (await allMessages(t)).find((m) => m.template === 'backorder-refunded')!;
    expect(refunded.text).toContain('Stub Store issued your refund of $50.00 for 2 ×');
    const [log] = await writeBacks();
    expect(log).toMatchObject({ platform: 'shopify', kind: 'refund', orderId: ORDER, backorderId: line.id, status: 'done', amount: 5000, currency: 'USD', error: null });
    expect(log.requestedBy).toMatch(/^customer:\d+$/);
    expect(log.platformId).toBe(stub.refundsMade[0]!.id);

    // Shopify's refunds/create for that refund, and the job run again: nothing twice.
    await webhook('refunds/create', {
      id: Number(stub.refundsMade[0]!.id),
      order_id: Number(ORDER),
      created_at: stamp(),
      refund_line_items: [{ line_item_id: Number(LINE_ITEM), quantity: 2, subtotal: 50, line_item: { id: Number(LINE_ITEM), variant_id: Number(variantId), quantity: 2, price: '25.00' } }],
      transactions: [{ kind: 'refund', status: 'success', amount: '50.00' }],
    });
    const { writeBackRefund } = await import('../../server/services/backorders/write-back.ts');
    await writeBackRefund(t.deps, line.id);
    expect(stub.refundsMade).toHaveLength(1);
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
  });

  it('a retry reads the refunds back: one made before a crash is found by its mark, and not made again', async () => {
    const line = await backorder();
    await t.call('POST', await cancelLink());
    // The job's refund reached Shopify; the process died before it heard back.
    const [log] = await writeBacks();
    expect(log.status).toBe('pending');
    const admin = store.admin();
    await admin.refundLineItems({ orderId: ORDER, lines: [{ lineItemId: LINE_ITEM, quantity: 2 }], note: `Backorder cancelled by the customer [waitline backorder ${line.id}]`, idempotencyKey: `a-crashed-attempt-${line.id}` });
    expect(stub.refundsMade).toHaveLength(1);

    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(1);
    expect((await writeBacks())[0]).toMatchObject({ status: 'done', amount: 5000, platformId: stub.refundsMade[0]!.id });
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
  });

  it('a store that does not answer is asked again later, and refunds once', async () => {
    await backorder();
    await t.call('POST', await cancelLink());
    stub.fail(40, 503);
    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(0);
    expect((await writeBacks())[0].status).toBe('pending');
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled']);
    stub.failNext = false;
    t.clock.advance(10 * 60_000);
    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(1);
    expect((await writeBacks())[0].status).toBe('done');
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled', 'backorder-refunded']);
  });

  it('a refund the store will not make goes to a person, and nobody is told money moved', async () => {
    await backorder();
    // The merchant refunded the line in Shopify admin already, without telling Waitline.
    const admin = store.admin();
    await admin.refundLineItems({ orderId: ORDER, lines: [{ lineItemId: LINE_ITEM, quantity: 2 }], note: 'Refunded by hand', idempotencyKey: 'by-hand-1' });
    await t.call('POST', await cancelLink());
    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(1);
    const [log] = await writeBacks();
    expect(log).toMatchObject({ status: 'failed', error: expect.stringMatching(/can still be refunded/) });
    const [escalation] = (await escalations()).filter((e: { kind: string }) => e.kind === 'refund');
    expect(escalation).toMatchObject({ status: 'open', orderId: ORDER, summary: expect.stringContaining('could not refund $50.00 on the store') });
    expect(await told()).toEqual(['backorder-ack', 'backorder-cancelled']);
  });

  it('above the review threshold nothing is written back: a person gets the request, with the order', async () => {
    await backorder(30, '25.00'); // $750.00
    const asked = await t.call('POST', await cancelLink());
    expect(asked.status).toBe(200);
    await runJobs(t);
    expect(stub.refundsMade).toHaveLength(0);
    expect(await writeBacks()).toEqual([]);
    expect((await escalations()).map((e: { kind: string; orderId: string }) => [e.kind, e.orderId])).toContainEqual(['cancel_request', ORDER]);
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders).toMatchObject([{ status: 'open' }]);
  });
});
