import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { poState } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const DAY = 86_400_000;
type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const today = () => t.clock.now().toISOString().slice(0, 10);
const order = (shop: Shop, id: string, quantity: number, variantId = '4401') =>
  shop.admin('POST', '/v1/admin/orders', { id, email: `${id}@example.com`, currency: 'USD', total: 2500 * quantity, lineItems: [{ variantId, quantity, price: 2500 }] });
const variant = async (shop: Shop, id = '4401') => (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === id);
const etaNotices = async (to: string) => (await allMessages(t)).filter((m) => m.to === to && m.template === 'eta-changed');
const create = async (shop: Shop, body: Record<string, unknown>) => (await shop.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Kiln & Co', variantId: '4401', quantity: 10, ...body })).body;

describe('an ETA from purchase orders', () => {
  it('a PO gives the variant a range its customers hear once; a new quoted date is told once', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    await shop.signup({ email: 'pre@example.com' });
    await order(shop, 'o1', 1);

    const created = await create(shop, { quotedArrival: '2026-03-20' });
    // No history yet: a week either side of the quote, plus the default P2D handling.
    expect(created.notified).toBe(2);
    const v = await variant(shop);
    expect(v.eta).toEqual({ earliest: '2026-03-15', latest: '2026-03-29' });
    expect(v.etaSource).toEqual({
      kind: 'purchase-order',
      purchaseOrderId: created.purchaseOrder.id,
      supplierId: created.purchaseOrder.supplierId,
      supplier: 'Kiln & Co',
      quotedArrival: '2026-03-20',
      slipDays: { low: -7, high: 7 },
      handlingDays: 2,
      basedOn: 'prior',
      receipts: 0,
      explanation: 'quoted 20 Mar; no deliveries on record from this supplier yet, so we allow 7 days early to 7 days late, plus 2 days handling',
    });
    expect((await etaNotices('o1@example.com')).map((m) => m.props.reason)).toEqual(['A new shipment is on order from our supplier.']);

    // A later PO is not the next shipment: nothing changes.
    expect((await create(shop, { quotedArrival: '2026-04-20' })).notified).toBe(0);

    const moved = await shop.admin('PATCH', `/v1/admin/purchase-orders/${created.purchaseOrder.id}`, { quotedArrival: '2026-03-27' });
    expect(moved.body).toMatchObject({ purchaseOrder: { quotedArrival: '2026-03-27' }, notified: 2 });
    const notice = (await etaNotices('pre@example.com')).at(-1)!;
    expect(notice.text).toContain('has moved from Mar 15, 2026 – Mar 29, 2026 to Mar 22, 2026 – Apr 5, 2026.');
    expect(notice.text).toContain('Why: Supplier updated the arrival date.');

    // The same date again, or a receipt-free refresh, is no change and tells nobody.
    const before = await poState(t);
    expect((await shop.admin('PATCH', `/v1/admin/purchase-orders/${created.purchaseOrder.id}`, { quotedArrival: '2026-03-27' })).body.notified).toBe(0);
    expect(await poState(t)).toEqual(before);
    expect(await etaNotices('pre@example.com')).toHaveLength(2);
  });

  it("new history moves the range only past etaShiftThreshold, and each customer hears each move once", async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    await shop.signup({ email: 'pre@example.com' });
    const watched = await create(shop, { quotedArrival: '2026-06-01' });
    const etas = [(await variant(shop)).eta];
    // The same supplier delivers five other POs, each 10 days after its quote.
    for (let i = 0; i < 5; i++) {
      const { purchaseOrder } = await create(shop, { variantId: '4402', quantity: 1, quotedArrival: today() });
      t.clock.advance(10 * DAY);
      await shop.admin('POST', `/v1/admin/purchase-orders/${purchaseOrder.id}/receive`, { quantity: 1 });
      etas.push((await variant(shop)).eta);
    }
    // Thin history is blended with the prior around the quote until the third receipt; then nothing moves.
    expect(etas).toEqual([
      { earliest: '2026-05-27', latest: '2026-06-10' },
      { earliest: '2026-05-24', latest: '2026-06-13' },
      { earliest: '2026-05-31', latest: '2026-06-26' },
      // Always 10 days late: a window of one day, still told as a range (SPEC §2), never one date.
      { earliest: '2026-06-13', latest: '2026-06-14' },
      { earliest: '2026-06-13', latest: '2026-06-14' },
      { earliest: '2026-06-13', latest: '2026-06-14' },
    ]);
    const notices = await etaNotices('pre@example.com');
    expect(notices.map((m) => m.props.reason)).toEqual(['A new shipment is on order from our supplier.', ...Array(3).fill("Updated from our supplier's recent delivery times.")]);
    expect(new Set(notices.map((m) => m.idempotencyKey ?? m.key)).size).toBe(4);
    expect((await variant(shop)).etaSource).toMatchObject({ purchaseOrderId: watched.purchaseOrder.id, slipDays: { low: 10, high: 10 }, basedOn: 'supplier', receipts: 3, explanation: 'quoted 1 Jun, this supplier is usually 10 days late, plus 2 days handling' });

    // One more delivery, a day later than usual, would move the range by a day: under etaShiftThreshold, nothing moves.
    const { purchaseOrder } = await create(shop, { variantId: '4402', quantity: 1, quotedArrival: today() });
    t.clock.advance(11 * DAY);
    const before = await poState(t);
    const received = await shop.admin('POST', `/v1/admin/purchase-orders/${purchaseOrder.id}/receive`, { quantity: 1 });
    expect(received.body.notified).toBe(0);
    expect((await poState(t)).etaChanges).toBe(before.etaChanges);
    expect(await etaNotices('pre@example.com')).toHaveLength(4);
  });

  it("a merchant's ETA overrides purchase orders until it is handed back", async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder', eta: { earliest: '2026-04-01', latest: '2026-04-08' } });
    await shop.signup({ email: 'pre@example.com' });
    const { purchaseOrder, notified } = await create(shop, { quotedArrival: '2026-03-20' });
    expect(notified).toBe(0);
    expect((await shop.admin('PATCH', `/v1/admin/purchase-orders/${purchaseOrder.id}`, { quotedArrival: '2026-03-25' })).body.notified).toBe(0);
    let v = await variant(shop);
    expect([v.eta, v.etaSource]).toEqual([{ earliest: '2026-04-01', latest: '2026-04-08' }, { kind: 'merchant', explanation: 'set by the merchant; purchase orders do not change it' }]);

    const released = await shop.admin('DELETE', '/v1/admin/variants/4401/eta');
    expect(released.body).toMatchObject({ notified: 1, eta: { earliest: '2026-03-20', latest: '2026-04-03' }, etaSource: { kind: 'purchase-order', quotedArrival: '2026-03-25' } });
    expect((await etaNotices('pre@example.com')).at(-1)!.props.reason).toBe('Updated from our latest purchase order.');

    // POST …/eta takes it back; the same range as the PO's still makes it the merchant's, quietly.
    const same = await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-03-20', latest: '2026-04-03' });
    expect(same.body).toMatchObject({ changed: false, notified: 0 });
    expect((await variant(shop)).etaSource.kind).toBe('merchant');
    expect((await shop.admin('PATCH', `/v1/admin/purchase-orders/${purchaseOrder.id}`, { quotedArrival: '2026-03-30' })).body.notified).toBe(0);
    v = await variant(shop);
    expect(v.eta).toEqual({ earliest: '2026-03-20', latest: '2026-04-03' });

    // Nothing to hand back to: 409, nothing changes. Another shop: 404.
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', eta: { earliest: '2026-04-01', latest: '2026-04-02' } });
    const before = await poState(t);
    const refused = await shop.admin('DELETE', '/v1/admin/variants/4402/eta');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/no open purchase order/);
    expect((await (await t.createShop('Other')).admin('DELETE', '/v1/admin/variants/4401/eta')).status).toBe(404);
    expect(await poState(t)).toEqual(before);
  });
});

describe('receiving a purchase order', () => {
  it('restocks through the inventory arithmetic: backorders first, then the line; the slip joins the history', async () => {
    const shop = await shopWithVariant(t);
    await order(shop, 'o1', 3);
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com' });
    const { purchaseOrder } = await create(shop, { quotedArrival: '2026-03-04' });

    t.clock.advance(5 * DAY);
    const first = await shop.admin('POST', `/v1/admin/purchase-orders/${purchaseOrder.id}/receive`, { quantity: 4, receivedAt: '2026-03-06' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      purchaseOrder: { status: 'open', receivedQuantity: 4, outstanding: 6 },
      allocation: { backordersServed: 1, offered: 1, unitsHeld: 1, stillWaiting: 1 },
      receipt: { quantity: 4, receivedAt: '2026-03-06T00:00:00.000Z', slipDays: 2 },
    });
    expect((await variant(shop)).inventory).toBe(1);
    const sent = (await allMessages(t)).map((m) => `${m.template}:${m.to}`);
    expect(sent).toEqual(expect.arrayContaining(['backorder-allocated:o1@example.com', 'offer:a@example.com']));

    const rest = await shop.admin('POST', `/v1/admin/purchase-orders/${purchaseOrder.id}/receive`, { quantity: 6 });
    expect(rest.body).toMatchObject({ purchaseOrder: { status: 'received', receivedQuantity: 6 + 4, outstanding: 0, closedAt: '2026-03-07T12:00:00.000Z' }, allocation: { offered: 1 }, receipt: { slipDays: 3 } });
    expect((await shop.admin('GET', '/v1/admin/suppliers')).body.suppliers[0]).toMatchObject({ receipts: 2, onTimeRate: 0, medianSlipDays: 2.5 });
  });
});

describe('the default pre-order limit', () => {
  it('is open PO units minus units owed to backorders, until the merchant sets one', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    await order(shop, 'o1', 1);
    const config = async () => (await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401`)).body.variants['4401'].preorderRemaining;
    expect(await config()).toBeNull();
    await create(shop, { quantity: 3, quotedArrival: '2026-03-20' });
    expect(await variant(shop)).toMatchObject({ preorderLimit: null, effectivePreorderLimit: 2, preorderLimitSource: 'purchase-orders', preorderRemaining: 2 });
    expect(await config()).toBe(2);

    expect((await shop.signup({ email: 'a@example.com', quantity: 2 })).body.signup.kind).toBe('preorder');
    expect(await config()).toBe(0);
    expect((await shop.signup({ email: 'b@example.com' })).body.signup.kind).toBe('waitlist');

    await shop.admin('PUT', '/v1/admin/variants/4401', { preorderLimit: 5 });
    expect(await variant(shop)).toMatchObject({ effectivePreorderLimit: 5, preorderLimitSource: 'merchant', preorderRemaining: 3 });
  });
});
