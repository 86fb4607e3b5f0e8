import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orders } from '../../db/schema/index.ts';
import { allMessages, runJobs, setup, type TestEnv } from '../helpers.ts';
import { SHOPIFY_SECRET, shopifySign } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const DOMAIN = 'demo-store.myshopify.com';
let seq = 0;
async function deliver(topic: string, payload: unknown) {
  const raw = JSON.stringify(payload);
  const headers = { 'X-Shopify-Topic': topic, 'X-Shopify-Hmac-Sha256': shopifySign(raw), 'X-Shopify-Shop-Domain': DOMAIN, 'X-Shopify-Webhook-Id': `w-${++seq}` };
  expect((await t.call('POST', '/webhooks/shopify', { raw, headers })).status).toBe(200);
  await runJobs(t);
}
const minutesAgo = (m: number) => new Date(t.clock.now().getTime() - m * 60_000).toISOString();
const level = (available: number, at: string) => ({ inventory_item_id: 46012345678901, location_id: 71234567890, available, updated_at: at });
const order = (id: number, quantity: number, at: string) => ({
  id,
  email: 'jane@example.com',
  created_at: at,
  currency: 'USD',
  total_price: '50.00',
  line_items: [{ variant_id: 44012345678901, quantity, price: '25.00' }],
});

async function shopifyShop() {
  const shop = await t.createShop('Demo Store', { shopify: { domain: DOMAIN, webhookSecret: SHOPIFY_SECRET } });
  await shop.admin('PUT', '/v1/admin/variants/44012345678901', { productTitle: 'Ocean Tee', title: 'S', inventoryItemId: '46012345678901', price: 2500, currency: 'USD' });
  return shop;
}
const inventory = async (shop: Awaited<ReturnType<typeof shopifyShop>>) => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0].inventory;

describe('Shopify levels and orders', () => {
  it('a level reported earlier but delivered late does not overwrite the newer one, and offers nothing', async () => {
    const shop = await shopifyShop();
    await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'a@example.com' } });
    await deliver('inventory_levels/update', level(0, minutesAgo(1)));
    await deliver('inventory_levels/update', level(5, minutesAgo(10)));
    expect(await inventory(shop)).toBe(0);
    expect((await allMessages(t)).filter((m) => m.template === 'offer')).toEqual([]);
  });

  it('an order whose level webhook was lost is judged on what is known within minutes', async () => {
    const shop = await shopifyShop();
    await deliver('inventory_levels/update', level(0, minutesAgo(10)));
    await deliver('orders/create', order(6012345678901, 2, minutesAgo(2)));
    expect(await inventory(shop)).toBe(-2);
    // Until the level that includes the order is known, nobody is told anything untrue.
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-ack')).toEqual([]);
    t.clock.advance(5 * 60_000);
    await runJobs(t);
    const acks = (await allMessages(t)).filter((m) => m.template === 'backorder-ack');
    expect(acks.map((m) => [m.to, m.props.quantity])).toEqual([['jane@example.com', 2]]);
    const [stored] = await t.deps.db.select().from(orders);
    expect(stored!.lines).toMatchObject([{ quantity: 2, fromStock: 0, backordered: 2 }]);
  });

  it("the backorder queue is in the platform's order time: an order judged later but placed earlier is served first", async () => {
    await shopifyShop();
    await deliver('inventory_levels/update', level(0, minutesAgo(10)));
    await deliver('inventory_levels/update', level(-1, minutesAgo(5)));
    await deliver('inventory_levels/update', level(-2, minutesAgo(2)));
    await deliver('orders/create', { ...order(6012345678912, 1, minutesAgo(2)), email: 'later@example.com' });
    await deliver('orders/create', { ...order(6012345678911, 1, minutesAgo(5)), email: 'earlier@example.com' });
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-ack').map((m) => m.to)).toEqual(['later@example.com', 'earlier@example.com']);
    await deliver('inventory_levels/update', level(-1, minutesAgo(0)));
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-allocated').map((m) => m.to)).toEqual(['earlier@example.com']);
  });

  it('an order cancelled before its level is known is owed nothing and nobody is told it is on backorder', async () => {
    const shop = await shopifyShop();
    await deliver('inventory_levels/update', level(0, minutesAgo(10)));
    await deliver('orders/create', order(6012345678902, 2, minutesAgo(2)));
    await deliver('orders/cancelled', { ...order(6012345678902, 2, minutesAgo(2)), cancelled_at: minutesAgo(1) });
    await deliver('inventory_levels/update', level(-2, minutesAgo(2)));
    t.clock.advance(5 * 60_000);
    await runJobs(t);
    expect(await inventory(shop)).toBe(-2);
    expect((await allMessages(t)).filter((m) => m.template.startsWith('backorder'))).toEqual([]);
  });
});
