import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;
const ETA = { earliest: '2026-03-20', latest: '2026-03-27' };

const order = (shop: Shop, id: string, quantity: number, over: Record<string, unknown> = {}) =>
  shop.admin('POST', '/v1/admin/orders', {
    id,
    email: `${id}@example.com`,
    currency: 'USD',
    total: 2500 * quantity,
    lineItems: [{ variantId: '4401', quantity, price: 2500 }],
    ...over,
  });
const variant = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === '4401');
const mail = async (to: string) => (await allMessages(t)).filter((m) => m.to === to);
const templates = async (to: string) => (await mail(to)).map((m) => `${m.template}${m.props.stage ? `:${m.props.stage}` : ''}`);

async function advanceDays(days: number) {
  for (let i = 0; i < days; i++) {
    t.clock.advance(DAY);
    await runJobs(t);
  }
}

describe('a backorder, from order to thank-you', () => {
  it('acknowledges at once, keeps the customer informed at days 3, 7 and 14, then ships first', async () => {
    const shop = await shopWithVariant(t, { inventory: 1, eta: ETA, productType: 'Shirts', url: 'https://acme.example/tee' });
    await shop.admin('PUT', '/v1/admin/variants/5501', { productTitle: 'Harbour Tee', title: 'S', productId: 'other', productType: 'Shirts', inventory: 8, url: 'https://acme.example/harbour' });
    const res = await order(shop, 'o1', 3);
    expect(res.status).toBe(201);
    expect(res.body.order.lines[0]).toMatchObject({ fromStock: 1, backordered: 2 });
    expect(res.body.backorders).toEqual([{ id: expect.any(Number), variantId: '4401', quantity: 2 }]);
    expect((await variant(shop)).inventory).toBe(-2);

    // Within the minute: the acknowledgement, with a range (never one date), next steps, the cancel link, the contact line.
    expect(await t.dispatch()).toMatchObject({ sent: 1 });
    const [ack] = await mail('o1@example.com');
    expect(ack).toMatchObject({ template: 'backorder-ack', status: 'sent', subject: 'Your order is in: Ocean Tee – S is on backorder' });
    expect(ack!.text).toContain('2 × Ocean Tee – S is not in stock right now');
    expect(ack!.text).toContain('Expected between Mar 20, 2026 and Mar 27, 2026.');
    // A first order (no count from the store: ours is 1) gets the simple version.
    expect(ack!.text).toContain('How a backorder works: we ship it the day it arrives and write to you at every step until then.');
    expect(ack!.text).toMatch(/Cancel for a full refund: https:\/\/waitline\.test\/b\/[\w-]+/);

    await advanceDays(3);
    expect(await templates('o1@example.com')).toEqual(['backorder-ack', 'backorder-update:refine']);
    expect((await mail('o1@example.com'))[1]!.text).toContain('Your date has not changed: Ocean Tee – S is still expected between Mar 20, 2026 and Mar 27, 2026.');
    await advanceDays(4);
    const day7 = (await mail('o1@example.com'))[2]!;
    expect(day7.subject).toBe('Still on its way: Ocean Tee – S');
    expect(day7.text).toContain('If you would rather not wait, Harbour Tee – S is in stock now.');
    expect(day7.text).toContain('https://acme.example/harbour');
    await advanceDays(7);
    const day14 = (await mail('o1@example.com'))[3]!;
    expect(day14.subject).toBe('Still waiting on Ocean Tee – S: your options');
    expect(day14.text).toMatch(/Cancel for a full refund: https:\/\/waitline\.test\/b\//);
    await advanceDays(30);
    expect(await templates('o1@example.com')).toHaveLength(4); // none twice

    // Stock arrives: the backorder is served before anyone waiting, then the waitlist.
    await shop.signup({ email: 'waiter@example.com' });
    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect(restock.body.allocation).toMatchObject({ backordersServed: 1, offered: 1 });
    // Stock is here, not shipped: "being packed" until a fulfillment exists (SPEC §5).
    const allocated = (await mail('o1@example.com')).at(-1)!;
    expect(allocated).toMatchObject({ template: 'backorder-allocated', subject: 'In stock and being packed: Ocean Tee – S' });
    expect(allocated.text).toContain("2 × Ocean Tee – S is back in stock and set aside for you. It's being packed now");
    expect(allocated.text).not.toMatch(/on its way|shipped/i);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(line).toMatchObject({ orderId: 'o1', status: 'allocated', served: 2, nextUpdateAt: null });
    expect(await templates('waiter@example.com')).toEqual(['signup-confirmation', 'offer']);

    // The merchant ships it: only now is it "on its way".
    const fulfilled = await shop.admin('POST', `/v1/admin/backorders/${line.id}/fulfilled`, { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(fulfilled.body.backorder).toMatchObject({ status: 'shipped', tracking: { carrier: 'UPS', trackingNumber: '1Z999' } });
    const shipped = (await mail('o1@example.com')).at(-1)!;
    expect(shipped).toMatchObject({ template: 'backorder-shipped', subject: "It's on its way: Ocean Tee – S" });
    expect(shipped.text).toContain('2 × Ocean Tee – S is on its way to you.');
    expect(shipped.text).toContain('Tracking: UPS 1Z999');
    expect((await variant(shop)).inventory).toBe(1); // shipping an allocated line moves no stock
  });

  it('says a refined date on day 3 when one was confirmed since the order', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 1);
    t.clock.advance(DAY);
    expect((await shop.admin('POST', '/v1/admin/variants/4401/eta', ETA)).body).toMatchObject({ changed: true, notified: 1 });
    await advanceDays(2);
    const refine = (await mail('o1@example.com')).find((m) => m.props.stage === 'refine')!;
    expect(refine.text).toContain('We now have a date: Ocean Tee – S is expected between Mar 20, 2026 and Mar 27, 2026.');
  });

  it('serves backorders in order-time FIFO, whole lines first; a partial serve waits for a person to confirm it', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'a', 2);
    await order(shop, 'b', 1);
    await shop.signup({ email: 'w1@example.com' });
    expect((await variant(shop)).inventory).toBe(-3);

    let res = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 });
    expect(res.body.allocation).toMatchObject({ backordersServed: 1, offered: 0 });
    expect(await templates('a@example.com')).toEqual(['backorder-ack']); // set aside, not told yet
    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalations.map((e: { kind: string; orderId: string }) => [e.kind, e.orderId])).toEqual([['partial_shipment', 'a']]);
    expect((await shop.admin('POST', `/v1/admin/backorders/${escalations[0].backorderId}/confirm-partial`, {})).status).toBe(200);
    const partial = (await mail('a@example.com')).at(-1)!;
    expect(partial.text).toContain('1 × Ocean Tee – S is back in stock and being packed for you. The other 1 will follow as soon as it arrives.');

    res = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
    expect(res.body.allocation).toMatchObject({ backordersServed: 2, offered: 1 });
    expect(await templates('a@example.com')).toEqual(['backorder-ack', 'backorder-allocated', 'backorder-allocated']);
    expect(await templates('b@example.com')).toEqual(['backorder-ack', 'backorder-allocated']);
    expect(await templates('w1@example.com')).toEqual(['signup-confirmation', 'offer']);
  });

  it("a platform stating the same number afterwards (as Shopify's inventory webhook will) changes nothing", async () => {
    const shop = await shopWithVariant(t, { inventory: 1 });
    await shop.signup({ email: 'w@example.com' });
    await order(shop, 'o1', 3);
    const before = { ...(await rowCounts(t)), variant: await variant(shop) };
    expect(before.variant.inventory).toBe(-2);
    const { applyInventory } = await import('../../server/services/restock/inventory.ts');
    const { shops, variants } = await import('../../db/schema/index.ts');
    const { eq } = await import('drizzle-orm');
    const { transaction } = await import('../../db/transaction.ts');
    const [row] = await t.deps.db.select().from(shops).where(eq(shops.id, shop.id));
    const v = (await t.deps.db.select().from(variants).where(eq(variants.shopId, shop.id))).find((x) => x.id === '4401')!;
    const result = await transaction(t.deps.db, (tx) => applyInventory(tx, t.deps, row!, v, -2));
    expect(result.allocation).toMatchObject({ backordersServed: 0, offered: 0 });
    expect({ ...(await rowCounts(t)), variant: await variant(shop) }).toEqual(before);
  });

  it('an order id seen before changes nothing', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 2);
    const before = { ...(await rowCounts(t)), inventory: (await variant(shop)).inventory };
    const again = await order(shop, 'o1', 2);
    expect(again.status).toBe(200);
    expect(again.body.backorders).toHaveLength(1);
    expect({ ...(await rowCounts(t)), inventory: (await variant(shop)).inventory }).toEqual(before);
  });
});

describe('cancel for a full refund', () => {
  it('asks first, then cancels, tells the merchant, confirms to the customer, and nothing follows', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, price: 2500 });
    // The store's order number is what the customer and the merchant know it by; the id stays the key.
    await order(shop, 'o1', 2, { name: '#1042' });
    await order(shop, 'o2', 1);
    const link = (await mail('o1@example.com'))[0]!.text.match(/https:\/\/waitline\.test(\/b\/[\w-]+)/)![1]!;

    const page = await t.call('GET', link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Cancel 2 × Ocean Tee – S from order #1042 for a full refund of $50.00?');
    expect((await variant(shop)).inventory).toBe(-3);

    const done = await t.call('POST', link);
    expect(done.status).toBe(200);
    expect(done.body).toContain("Cancelled. We've asked Acme Goods to refund you $50.00; you'll get an email when it's done.");
    expect((await variant(shop)).inventory).toBe(-1); // o2 still owed its unit
    const [refund] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(refund).toMatchObject({ kind: 'refund', orderId: 'o1', status: 'open', recommendedAction: expect.stringContaining('Refund $50.00 on order #1042 in your store admin, then record it') });
    expect(refund.contact).toMatchObject({ email: 'o1@example.com' });
    expect(refund.order).toMatchObject({ id: 'o1', name: '#1042', total: 5000, currency: 'USD' });
    expect(refund.messages.map((m: { template: string }) => m.template)).toEqual(['backorder-cancelled', 'backorder-ack']);
    expect((await mail('o1@example.com')).find((m) => m.template === 'backorder-cancelled')!.text).toContain('#1042');
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders.find((b: { orderId: string }) => b.orderId === 'o1')).toMatchObject({ orderName: '#1042' });

    await advanceDays(20);
    expect(await templates('o1@example.com')).toEqual(['backorder-ack', 'backorder-cancelled']);
    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 });
    expect(restock.body.allocation.backordersServed).toBe(1);
    expect(await templates('o2@example.com')).toContain('backorder-allocated');

    const again = await t.call('POST', link);
    expect(again.status).toBe(409);
    expect(again.body).toContain('already cancelled');
    expect((await t.call('GET', '/b/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await t.call('POST', '/b/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await t.call('GET', '/b/%3Cx%3E')).status).toBe(400);
  });

  it('refuses to cancel a line that is being packed or has shipped', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', 1);
    const link = (await mail('o1@example.com'))[0]!.text.match(/https:\/\/waitline\.test(\/b\/[\w-]+)/)![1]!;
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 });
    expect((await t.call('GET', link)).body).toContain('This item is in stock and being packed, so it can no longer be cancelled here.');
    let res = await t.call('POST', link);
    expect(res.status).toBe(409);
    expect(res.body).toContain('in stock and being packed');
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(line.status).toBe('allocated');
    await shop.admin('POST', `/v1/admin/backorders/${line.id}/fulfilled`, {});
    res = await t.call('POST', link);
    expect(res.status).toBe(409);
    expect(res.body).toContain('already shipped');
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations).toEqual([]);
    expect(await templates('o1@example.com')).toEqual(['backorder-ack', 'backorder-allocated', 'backorder-shipped']);
  });
});

describe('order names', () => {
  it('an order is named as the store numbers it, its id when no name is given; a blank name is a 400 and nothing is stored', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, price: 2500 });
    expect((await order(shop, 'o1', 1, { name: '  #1042 ' })).body.order).toMatchObject({ id: 'o1', name: '#1042' });
    expect((await order(shop, 'o2', 1)).body.order).toMatchObject({ id: 'o2', name: 'o2' });
    const bad = await order(shop, 'o3', 1, { name: ' ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'name' });
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders.map((b: { orderName: string }) => b.orderName).sort()).toEqual(['#1042', 'o2']);
  });
});
