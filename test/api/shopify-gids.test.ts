import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orders } from '../../db/schema/index.ts';
import { runJobs, setup, type TestEnv } from '../helpers.ts';
import { fixture, shopifySign } from '../webhooks/helpers.ts';

/**
 * Hydrogen pages and the GraphQL APIs name a variant `gid://shopify/ProductVariant/N`;
 * Shopify's webhooks name it `N`. Every way an id comes in accepts both and stores `N`.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const N = '44012345678901';
const GID = `gid://shopify/ProductVariant/${N}`;
const path = (id: string) => `/v1/admin/variants/${encodeURIComponent(id)}`;

async function shop() {
  const s = await t.createShop('Hydrogen Store', {
    allowedOrigins: ['https://hydrogen.example'],
    shopify: { domain: 'demo-store.myshopify.com', webhookSecret: 'test_shopify_app_client_secret_123' },
  });
  const signup = (body: Record<string, unknown>) => t.call('POST', '/v1/storefront/signups', { body: { key: s.pk, ...body } });
  return { ...s, signup };
}

const ids = (list: Array<{ id?: string; variantId?: string }>) => list.map((x) => x.variantId ?? x.id);

describe('Shopify variant GIDs', () => {
  it('PUT by GID stores the number (other ids as they are); product and inventory item GIDs too, so inventory webhooks find it', async () => {
    const s = await shop();
    const put = await s.admin('PUT', path(GID), {
      productTitle: 'Ocean Tee',
      mode: 'waitlist',
      inventory: 0,
      productId: 'gid://shopify/Product/8012345678901',
      inventoryItemId: 'gid://shopify/InventoryItem/46012345678901',
    });
    expect(put.status).toBe(201);
    expect([put.body.variant.id, put.body.variant.productId, put.body.variant.inventoryItemId]).toEqual([N, '8012345678901', '46012345678901']);
    // The numeric form is the same variant, not a second one.
    expect((await s.admin('PUT', path(N), { title: 'S' })).status).toBe(200);
    expect((await s.admin('PUT', path(`${GID}?from=hydrogen`), { title: 'S' })).status).toBe(200);
    expect(ids((await s.admin('GET', '/v1/admin/variants')).body.variants)).toEqual([N]);

    // Only that exact form is Shopify's: other ids are kept as they are (Medusa, SKUs, other GID types and spellings).
    for (const id of ['variant_01HXYZABCDEF', 'SKU-1', 'gid://shopify/Product/5', 'gid://shopify/ProductVariant/abc', 'gid://Shopify/ProductVariant/7']) {
      const put = await s.admin('PUT', path(id), { productTitle: 'Thing', inventory: 0 });
      expect([put.status, put.body.variant.id]).toEqual([201, id]);
    }
    // A GID suffix is not a way past the id's character rules.
    const bad = await s.admin('PUT', path('gid://shopify/ProductVariant/x?<script>'), { productTitle: 'Thing' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'id']);
    expect(ids((await s.admin('GET', '/v1/admin/variants')).body.variants)).toHaveLength(6);

    await s.signup({ variantId: GID, email: 'ann@example.com' });
    // The fixture's inventory webhook: item 46012345678901, 12 available.
    const body = fixture('shopify/inventory_levels-update.restock.raw-body.json');
    const res = await t.call('POST', '/webhooks/shopify', {
      raw: body,
      headers: { 'x-shopify-topic': 'inventory_levels/update', 'x-shopify-shop-domain': 'demo-store.myshopify.com', 'x-shopify-webhook-id': 'w-inv-1', 'x-shopify-hmac-sha256': shopifySign(body) },
    });
    expect(res.status).toBe(200);
    await runJobs(t);
    const { signups } = (await s.admin('GET', `/v1/admin/signups?variantId=${encodeURIComponent(GID)}`)).body;
    expect(signups.map((x: { email: string; status: string }) => [x.email, x.status])).toEqual([['ann@example.com', 'offered']]);
  });

  it('the storefront: config asked by GID answers under the number; a signup by GID joins the numeric line', async () => {
    const s = await shop();
    await s.admin('PUT', path(N), { productTitle: 'Ocean Tee', mode: 'waitlist', inventory: 0 });
    const first = await s.signup({ variantId: N, email: 'first@example.com' });
    const second = await s.signup({ variantId: GID, email: 'second@example.com' });
    const third = await s.signup({ variantId: `${GID}?x=1`, email: 'third@example.com' });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect([second.body.signup.variantId, second.body.signup.position, third.body.signup.position]).toEqual([N, 2, 3]);
    // A repeat by the other form is the same place.
    expect((await s.signup({ variantId: N, email: 'second@example.com' })).body.signup).toEqual({ status: 'exists', variantId: N });

    const config = await t.call('GET', `/v1/storefront/config?key=${s.pk}&variants=${encodeURIComponent(GID)}`);
    expect(config.status).toBe(200);
    expect(Object.keys(config.body.variants)).toEqual([N]);
    expect(config.body.variants[N].queueLength).toBe(3);
  });

  it('admin filters, inventory, ETA, orders, purchase orders and both CSV imports take either form', async () => {
    const s = await shop();
    await s.admin('PUT', path(GID), { productTitle: 'Ocean Tee', mode: 'preorder', inventory: 0 });
    await s.signup({ variantId: GID, email: 'ann@example.com', kind: 'preorder' });

    const csv = (p: string, raw: string) => t.call('POST', p, { raw, headers: { authorization: `Bearer ${s.sk}`, 'content-type': 'text/csv' } });
    const imported = await csv('/v1/admin/signups/import', `email,variant\nbob@example.com,${GID}\n`);
    expect(imported.body).toMatchObject({ imported: 1, errorCount: 0 });
    const pos = await csv('/v1/admin/purchase-orders/import', `supplier,variant,quantity,quoted_arrival\nKiln,${GID},10,2026-04-01\n`);
    expect(pos.status).toBe(201);
    expect(ids(pos.body.purchaseOrders)).toEqual([N]);
    const po = await s.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Kiln', variantId: GID, quantity: 5, quotedArrival: '2026-04-02' });
    expect(po.body.purchaseOrder.variantId).toBe(N);

    const eta = await s.admin('POST', `${path(GID)}/eta`, { earliest: '2026-04-10', latest: '2026-04-20' });
    expect(eta.status).toBe(200);

    const order = await s.admin('POST', '/v1/admin/orders', {
      id: '6012345678901', email: 'cy@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: GID, quantity: 1, price: 2500 }],
    });
    expect(order.status).toBe(201);
    const backorders = (await s.admin('GET', `/v1/admin/backorders?variantId=${encodeURIComponent(GID)}`)).body.backorders;
    expect(backorders.map((b: { variantId: string; orderId: string }) => [b.variantId, b.orderId])).toEqual([[N, '6012345678901']]);

    const byNumber = (await s.admin('GET', `/v1/admin/signups?variantId=${N}`)).body.signups;
    const byGid = (await s.admin('GET', `/v1/admin/signups?variantId=${encodeURIComponent(GID)}`)).body.signups;
    expect(byGid.map((x: { email: string }) => x.email)).toEqual(['ann@example.com', 'bob@example.com']);
    expect(byGid).toEqual(byNumber);

    // A rise by the GID path reaches the line; the backorder is served first.
    const rise = await s.admin('POST', `${path(GID)}/inventory`, { available: 3 });
    expect(rise.body.allocation).toMatchObject({ backordersServed: 1, offered: 2 });
  });

  it('Shopify webhooks: a variant named only by its admin_graphql_api_id, and an order line naming a GID', async () => {
    const s = await shop();
    const product = JSON.parse(fixture('shopify/products-update.raw-body.json'));
    for (const v of product.variants) delete v.id;
    product.variants[1].id = 'gid://shopify/ProductVariant/44012345678902';
    const deliver = (topic: string, id: string, body: string) =>
      t.call('POST', '/webhooks/shopify', {
        raw: body,
        headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'demo-store.myshopify.com', 'x-shopify-webhook-id': id, 'x-shopify-hmac-sha256': shopifySign(body) },
      });
    expect((await deliver('products/update', 'w-p', JSON.stringify(product))).status).toBe(200);
    await runJobs(t);
    const { variants } = (await s.admin('GET', '/v1/admin/variants')).body;
    expect(variants.map((v: { id: string; productId: string; url: string }) => [v.id, v.productId, v.url.split('?')[1]])).toEqual([
      ['44012345678901', '8012345678901', 'variant=44012345678901'],
      ['44012345678902', '8012345678901', 'variant=44012345678902'],
    ]);

    const payload = JSON.parse(fixture('shopify/orders-create.raw-body.json'));
    payload.line_items[0].variant_id = 'gid://shopify/ProductVariant/44012345678902';
    expect((await deliver('orders/create', 'w-o', JSON.stringify(payload))).status).toBe(200);
    await runJobs(t);
    const [order] = await t.deps.db.select({ lines: orders.lines }).from(orders);
    expect(order!.lines.map((l) => l.variantId)).toEqual(['44012345678902']);
  });
});
