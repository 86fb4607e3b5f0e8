import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { allMessages, rowCounts, runJobs, setup, type TestEnv } from '../helpers.ts';
import { fixture, shopifyHeaders, shopifySign } from './helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const webhookRows = async () => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from webhook_events`))!.n;

async function shopifyShop(secret = 'test_shopify_app_client_secret_123') {
  return t.createShop('Demo Store', { shopify: { domain: 'demo-store.myshopify.com', webhookSecret: secret } });
}

/** Sends a fixture exactly as Shopify signed it, or a body of our own signed the same way. */
function deliver(name: string, over: { body?: string; headers?: Record<string, string> } = {}) {
  const body = over.body ?? fixture(`shopify/${name}.raw-body.json`);
  const headers = { ...shopifyHeaders(name), ...(over.body ? { 'X-Shopify-Hmac-Sha256': shopifySign(body) } : {}), ...over.headers };
  return t.call('POST', '/webhooks/shopify', { raw: body, headers });
}

describe('POST /webhooks/shopify', () => {
  it('products/update creates the variants with their inventory item mapping', async () => {
    const shop = await shopifyShop();
    const res = await deliver('products-update');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, status: 'queued' });
    expect(await runJobs(t)).toBe(1);
    const { variants } = (await shop.admin('GET', '/v1/admin/variants')).body;
    expect(variants.map((v: Record<string, unknown>) => [v.id, v.title, v.inventoryItemId, v.price, v.productType])).toEqual([
      ['44012345678901', 'S', '46012345678901', 2500, 'Shirts'],
      ['44012345678902', 'M', '46012345678902', 2500, 'Shirts'],
    ]);
    expect(variants[0].url).toBe('https://demo-store.myshopify.com/products/ocean-blue-tee?variant=44012345678901');
  });

  it('products/update keeps titles and tags without control characters (a webhook is not refused, it is cleaned)', async () => {
    const shop = await shopifyShop();
    const product = JSON.parse(fixture('shopify/products-update.raw-body.json'));
    product.title = 'Ocean\u0007 Blue\u001b[31m Tee\u0000';
    product.tags = 'summer\u0008, blue';
    product.variants[0].title = 'S\u000b';
    expect((await deliver('products-update', { body: JSON.stringify(product) })).status).toBe(200);
    await runJobs(t);
    const [v] = (await shop.admin('GET', '/v1/admin/variants')).body.variants;
    expect([v.productTitle, v.title, v.tags]).toEqual(['Ocean Blue[31m Tee', 'S', ['summer', 'blue']]);
  });

  it('products/update stores titles and tags without bidi controls (a right-to-left override cannot reorder a title)', async () => {
    const shop = await shopifyShop();
    const product = JSON.parse(fixture('shopify/products-update.raw-body.json'));
    product.title = 'Ocean \u202EeeT\u202C Blue';
    product.tags = '\u2066summer\u2069, \u200Fblue\u200E';
    product.product_type = 'Shirts\u061C';
    product.variants[0].title = '\u202AS\u202B';
    expect((await deliver('products-update', { body: JSON.stringify(product) })).status).toBe(200);
    await runJobs(t);
    const [v] = (await shop.admin('GET', '/v1/admin/variants')).body.variants;
    expect([v.productTitle, v.title, v.tags, v.productType]).toEqual(['Ocean eeT Blue', 'S', ['summer', 'blue'], 'Shirts']);
  });

  it('inventory_levels/update maps the item to its variant and a rise offers units to the line', async () => {
    const shop = await shopifyShop();
    await deliver('products-update');
    await runJobs(t);
    for (const e of ['a', 'b', 'c']) {
      await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: `${e}@example.com` } });
    }
    await deliver('inventory_levels-update.zero');
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer')).toHaveLength(0);
    await deliver('inventory_levels-update.restock');
    await runJobs(t);
    const offers = (await allMessages(t)).filter((m) => m.template === 'offer');
    expect(offers.map((m) => m.to)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ inventory: 12, activeHolds: 3, available: 9 });
    expect(offers[0]!.props.units).toBe(12);
  });

  it('sums stock over the locations the shop counts', async () => {
    const shop = await shopifyShop();
    await deliver('products-update');
    const level = (location: string, available: number) =>
      JSON.stringify({ inventory_item_id: 46012345678901, location_id: Number(location), available, updated_at: '2025-11-20T10:15:42-05:00' });
    await deliver('inventory_levels-update.restock', { body: level('71234567890', 3), headers: { 'X-Shopify-Webhook-Id': 'w-1' } });
    await deliver('inventory_levels-update.restock', { body: level('81234567890', 4), headers: { 'X-Shopify-Webhook-Id': 'w-2' } });
    await runJobs(t);
    const inventory = async () => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0].inventory;
    expect(await inventory()).toBe(7);
    await shop.admin('PATCH', '/v1/admin/settings', { shopify: { domain: 'demo-store.myshopify.com', webhookSecret: '********', locations: ['71234567890'] } });
    await deliver('inventory_levels-update.restock', { body: level('81234567890', 5), headers: { 'X-Shopify-Webhook-Id': 'w-3' } });
    await runJobs(t);
    expect(await inventory()).toBe(3);
  });

  it('orders/create goes to order ingest, with the hold token from the note attributes', async () => {
    const shop = await shopifyShop();
    await deliver('products-update');
    await runJobs(t);
    await shop.admin('POST', '/v1/admin/variants/44012345678902/inventory', { available: 5 });
    await deliver('orders-create');
    await runJobs(t);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[1]).toMatchObject({ id: '44012345678902', inventory: 3 });

    // A held unit bought through the cart permalink carries the token back.
    const signup = await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '44012345678901', email: 'held@example.com' } });
    await shop.admin('POST', '/v1/admin/variants/44012345678901/inventory', { available: 1 });
    const { offer } = (await t.call('GET', `/v1/storefront/signups/${signup.body.signup.token}`)).body.signup;
    const order = JSON.parse(fixture('shopify/orders-create.raw-body.json'));
    order.id = 6012345678999;
    order.email = 'held@example.com';
    order.line_items = [{ ...order.line_items[0], variant_id: 44012345678901, quantity: 1 }];
    order.note_attributes = [{ name: 'waitline_hold', value: offer.claimUrl.split('/').pop() }];
    await deliver('orders-create', { body: JSON.stringify(order), headers: { 'X-Shopify-Webhook-Id': 'order-2' } });
    await runJobs(t);
    expect((await t.call('GET', `/v1/storefront/signups/${signup.body.signup.token}`)).body.signup.status).toBe('purchased');
    expect((await shop.admin('GET', '/v1/admin/analytics/funnel')).body).toMatchObject({ purchased: 1, direct: 1, revenue: 2500 });
  });

  it('orders/cancelled releases what the order was owed, without a refund task', async () => {
    const shop = await shopifyShop();
    await deliver('products-update');
    await runJobs(t);
    await deliver('orders-create'); // M has 0 in stock: 2 owed
    await runJobs(t);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[1].inventory).toBe(-2);
    const cancelled = JSON.parse(fixture('shopify/orders-create.raw-body.json'));
    await deliver('orders-create', { body: JSON.stringify({ ...cancelled, cancelled_at: '2025-11-21T10:00:00-05:00' }), headers: { 'X-Shopify-Topic': 'orders/cancelled', 'X-Shopify-Webhook-Id': 'cancel-1' } });
    await runJobs(t);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[1].inventory).toBe(0);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations.filter((e: { kind: string }) => e.kind === 'refund')).toEqual([]);
  });

  it('a duplicate delivery is answered 200 and done once', async () => {
    await shopifyShop();
    await deliver('inventory_levels-update.restock');
    const before = await rowCounts(t);
    const again = await deliver('inventory_levels-update.restock');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    expect(await rowCounts(t)).toEqual(before);
    expect(await webhookRows()).toBe(1);
  });

  it('two copies delivered at once (racing to the same commit) are done once', async () => {
    await shopifyShop();
    await deliver('products-update');
    await runJobs(t);
    const answers = await Promise.all([deliver('inventory_levels-update.restock'), deliver('inventory_levels-update.restock')]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(['duplicate', 'queued']);
    expect(await webhookRows()).toBe(2);
    expect(await runJobs(t)).toBe(1);
  });

  it('an unknown topic is answered 200, logged and ignored', async () => {
    await shopifyShop();
    const res = await deliver('products-update', { headers: { 'X-Shopify-Topic': 'carts/update' } });
    expect(res.body).toEqual({ ok: true, status: 'ignored' });
    expect(await webhookRows()).toBe(0);
    expect(t.logs.some((l) => l.startsWith('shopify webhook topic ignored'))).toBe(true);
  });

  it.each([
    ['a tampered body', (raw: string) => ({ raw: raw.replace('"available":12', '"available":99'), headers: {} })],
    ['a signature from another secret', (raw: string) => ({ raw, headers: { 'X-Shopify-Hmac-Sha256': shopifySign(raw, 'someone-elses-secret') } })],
    ['no signature', (raw: string) => ({ raw, headers: { 'X-Shopify-Hmac-Sha256': '' } })],
    ['an unknown shop domain', (raw: string) => ({ raw, headers: { 'X-Shopify-Shop-Domain': 'other-store.myshopify.com' } })],
  ])('refuses %s with 401 and stores nothing', async (_name, tamper) => {
    await shopifyShop();
    const raw = fixture('shopify/inventory_levels-update.restock.raw-body.json');
    const { raw: body, headers } = tamper(raw);
    const res = await t.call('POST', '/webhooks/shopify', { raw: body, headers: { ...shopifyHeaders('inventory_levels-update.restock'), ...headers } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(await webhookRows()).toBe(0);
    expect((await rowCounts(t)).jobs).toBe(0);
  });
});
