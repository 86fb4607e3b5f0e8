import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIGCOMMERCE_SECRET_HEADER, BIGCOMMERCE_TOPICS, bigCommerceApi } from '../../server/platforms/bigcommerce/api.ts';
import { trustedStoreHttp } from '../../server/platforms/store-http.ts';
import { StoreError, type StoreApi, type StoreApiDeps, type StoreErrorKind } from '../../server/platforms/store.ts';
import { generateBigCommerceCatalog, startBigCommerceStub, type BigCommerceStub } from '../stubs/bigcommerce-stub.ts';

const HASH = 'abc123def';
const TOKEN = 'bc-access-token-for-tests';
const HOOKS_URL = 'https://waitline.example/webhooks/bigcommerce/7';

let stub: BigCommerceStub;
let deps: StoreApiDeps;
/** Every wait the client asked for; tests answer at once. */
let waits: number[];

beforeEach(async () => {
  stub = await startBigCommerceStub({ storeHash: HASH, accessToken: TOKEN, name: 'Maple Goods', domain: 'maple.example', currency: 'CAD' });
  waits = [];
  deps = { http: trustedStoreHttp, sleep: async (ms) => void waits.push(ms), now: () => new Date() };
});
afterEach(() => stub.close());

const api = (overrides: Partial<{ storeHash: string; accessToken: string }> = {}): StoreApi =>
  bigCommerceApi(deps, { origin: stub.url, storeHash: HASH, accessToken: TOKEN, ...overrides });

async function failure(promise: Promise<unknown>, kind: StoreErrorKind): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  return error as StoreError;
}

describe('verify', () => {
  it('describes the store and checks each scope with a cheap read, sending the token as BigCommerce asks', async () => {
    stub.store.secure_url = 'https://www.maple.example/';
    expect(await api().verify()).toEqual({ name: 'Maple Goods', origins: ['https://www.maple.example', 'https://maple.example'], currency: 'CAD' });
    expect(stub.requests.map((r) => `${r.method} ${r.path}${r.query}`)).toEqual([
      'GET /v2/store',
      'GET /v3/catalog/products?limit=1',
      'GET /v3/inventory/items?limit=1',
      'GET /v2/orders?limit=1',
      'GET /v3/hooks',
    ]);
    expect(stub.requests.every((r) => r.token === TOKEN)).toBe(true);
  });

  it('takes an empty order list (204 No Content) as a success', async () => {
    expect(stub.orders.size).toBe(0);
    await api().verify();
  });

  it('a token the store does not know is unauthorized', async () => {
    const error = await failure(api({ accessToken: 'not-the-token' }).verify(), 'unauthorized');
    expect(error.message).toMatch(/access token/);
  });

  it('a store hash BigCommerce does not have is not_found', async () => {
    const error = await failure(api({ storeHash: 'zzz999zzz' }).verify(), 'not_found');
    expect(error.message).toBe('No BigCommerce store has this store hash');
  });

  it.each([
    ['store_v2_products', 'Products'],
    ['store_v2_orders', 'Orders'],
    ['store_inventory', 'Store Inventory'],
    ['store_v2_information', 'Information & Settings'],
  ] as const)('a token without %s is forbidden, naming the %s scope', async (scope, name) => {
    stub.scopes.delete(scope);
    const error = await failure(api().verify(), 'forbidden');
    expect(error.message).toContain(name);
  });

  it('a read-only Orders scope passes verify, and a refund then names the write scope', async () => {
    stub.scopes.set('store_v2_orders', 'read_only');
    await api().verify();
    const p = stub.addProduct();
    const order = stub.addOrder({ lines: [{ variantId: p.variants[0]!.id, quantity: 1, price: 10 }] });
    const error = await failure(api().refund({ orderId: String(order.id), lines: [{ lineId: String(order.products[0]!.id), quantity: 1, amount: 1000 }], note: 'x' }), 'forbidden');
    expect(error.message).toContain('Orders (modify)');
  });
});

describe('store hash', () => {
  it.each(['ABC123DEF', 'abc', 'abc123/../x', 'a'.repeat(21), ''])('%j is refused before any request', async (storeHash) => {
    const client = api({ storeHash });
    await failure(client.verify(), 'invalid');
    await failure(client.catalogPage(null), 'invalid');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('catalog', () => {
  it('pages 50 products at a time through every page, each variant once', async () => {
    stub.products = generateBigCommerceCatalog(130, 1);
    const client = api();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.catalogPage(cursor);
      expect(page.variantsTotal).toBeNull();
      seen.push(...page.products.flatMap((p) => p.variants.map((v) => v.id)));
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(130);
    expect(stub.requests.map((r) => r.query)).toEqual([1, 2, 3].map((n) => `?include=variants,images&limit=50&page=${n}`));
  });

  it('maps products with and without options, and stock tracked by product, by variant and not at all', async () => {
    const plain = stub.addProduct({ name: 'Mug', price: 12.5, stock: 7, keywords: 'kitchen, gift ,', image: 'https://cdn.example/mug.jpg' });
    const shirt = stub.addProduct({
      name: 'Shirt',
      price: 30,
      options: [
        { labels: ['Small', 'Red'], stock: 3, sku: 'SH-S-R' },
        { labels: ['Large', 'Blue'], stock: 0, price: 32.99, image: 'https://cdn.example/blue.jpg' },
      ],
    });
    const poster = stub.addProduct({ name: 'Poster', price: 5, tracking: 'none', image: null });
    const shared = stub.addProduct({ name: 'Socks', tracking: 'product', stock: 11, options: [{ labels: ['S'] }, { labels: ['M'] }] });

    const { products, next } = await api().catalogPage(null);
    expect(next).toBeNull();
    const [mug, tee, print, socks] = products;
    expect(mug).toEqual({
      id: String(plain.id),
      title: 'Mug',
      productType: null,
      tags: ['kitchen', 'gift'],
      imageUrl: 'https://cdn.example/mug.jpg',
      variants: [{ id: String(plain.variants[0]!.id), productId: String(plain.id), title: '', price: 1250, sku: `SKU-${plain.id}`, imageUrl: 'https://cdn.example/mug.jpg', url: `/product-${plain.id}/`, stock: 7, stockRef: String(plain.id) }],
    });
    expect(tee!.variants.map((v) => [v.title, v.price, v.sku, v.stock, v.stockRef, v.imageUrl])).toEqual([
      ['Small / Red', 3000, 'SH-S-R', 3, `${shirt.id}/${shirt.variants[0]!.id}`, tee!.imageUrl],
      ['Large / Blue', 3299, `SKU-${shirt.id}-2`, 0, `${shirt.id}/${shirt.variants[1]!.id}`, 'https://cdn.example/blue.jpg'],
    ]);
    expect(print).toMatchObject({ id: String(poster.id), imageUrl: null, tags: [], variants: [{ stock: null, stockRef: null, imageUrl: null }] });
    expect(socks!.variants.map((v) => [v.stock, v.stockRef])).toEqual([
      [11, String(shared.id)],
      [11, String(shared.id)],
    ]);
  });

  it('an answer in another shape is invalid, without quoting it', async () => {
    stub.addProduct();
    (stub.products[0] as { inventory_tracking: string }).inventory_tracking = 'sometimes';
    const error = await failure(api().catalogPage(null), 'invalid');
    expect(error.message).not.toContain('sometimes');
  });

  it('product(id) answers one product as the catalog does, and null once deleted', async () => {
    const p = stub.addProduct({ options: [{ labels: ['A'] }, { labels: ['B'] }] });
    const client = api();
    const one = await client.product(String(p.id));
    const { products } = await client.catalogPage(null);
    expect(one).toEqual(products[0]);
    stub.products = [];
    expect(await client.product(String(p.id))).toBeNull();
  });
});

describe('stock', () => {
  it('reads levels in batches of 250 ids, only for refs the products still track that way', async () => {
    stub.products = generateBigCommerceCatalog(1100, 2);
    const byVariant = stub.products.filter((p) => p.inventory_tracking === 'variant');
    const refs = byVariant.flatMap((p) => p.variants.map((v) => `${p.id}/${v.id}`));
    const untracked = stub.products.find((p) => p.inventory_tracking === 'none')!;
    const levels = await api().stockLevels([...refs, `${untracked.id}/${untracked.variants[0]!.id}`, '999999', 'garbage']);
    expect(levels.size).toBe(refs.length);
    const v = byVariant[3]!.variants[1]!;
    expect(levels.get(`${byVariant[3]!.id}/${v.id}`)).toBe(v.inventory_level);
    const calls = stub.requests.map((r) => r.path);
    expect(calls.filter((p) => p === '/v3/catalog/products')).toHaveLength(2); // 440 tracked by variant, one untracked, one unknown
    expect(calls.filter((p) => p === '/v3/catalog/variants')).toHaveLength(Math.ceil(refs.length / 250));
    for (const r of stub.requests) expect(r.query.match(/id:in=([\d,]+)/)![1]!.split(',').length).toBeLessThanOrEqual(250);
  });

  it('a product-level ref reads the product', async () => {
    const p = stub.addProduct({ stock: 9 });
    stub.setStock({ productId: p.id }, 4);
    expect(await api().stockLevels([String(p.id)])).toEqual(new Map([[String(p.id), 4]]));
  });

  it('adjusts by a relative adjustment at the default location and answers the level after', async () => {
    const shirt = stub.addProduct({ options: [{ labels: ['S'], stock: 5 }] });
    const mug = stub.addProduct({ stock: 2 });
    const client = api();
    const variant = shirt.variants[0]!;
    expect(await client.adjustStock(`${shirt.id}/${variant.id}`, -3, 'waitline hold 17')).toBe(2);
    expect(await client.adjustStock(String(mug.id), 4, 'waitline release 18')).toBe(6);
    expect(stub.adjustments).toEqual([
      { reason: 'waitline hold 17', items: [{ location_id: 1, variant_id: variant.id, quantity: -3 }] },
      { reason: 'waitline release 18', items: [{ location_id: 1, product_id: mug.id, quantity: 4 }] },
    ]);
    expect(stub.stockOf(variant.id)).toBe(2);
    expect(stub.stockOf({ productId: mug.id })).toBe(6);
  });

  it('taking more than there is is refused (invalid, with BigCommerce\'s title) and changes nothing', async () => {
    const p = stub.addProduct({ options: [{ labels: ['S'], stock: 1 }] });
    const error = await failure(api().adjustStock(`${p.id}/${p.variants[0]!.id}`, -2, 'hold'), 'invalid');
    expect(error.message).toContain('Inventory level cannot be negative');
    expect(stub.stockOf(p.variants[0]!.id)).toBe(1);
  });
});

describe('orders', () => {
  const placed = new Date('2026-11-03T10:15:00Z');

  it('maps an order, its contact, total and every page of its products', async () => {
    const p = stub.addProduct({ options: Array.from({ length: 3 }, (_, i) => ({ labels: [`V${i}`] })) });
    const lines = Array.from({ length: 260 }, (_, i) => ({ variantId: p.variants[i % 3]!.id, quantity: 1 + (i % 2), price: 9.99 }));
    const o = stub.addOrder({ lines, email: 'ada@example.com', phone: '+15550100', createdAt: placed, currency: 'CAD', staffNotes: 'via claim waitline_hold=hold_tok-123456 thanks' });
    const order = (await api().order(String(o.id)))!;
    expect(order).toMatchObject({
      id: String(o.id),
      name: String(o.id),
      email: 'ada@example.com',
      phone: '+15550100',
      currency: 'CAD',
      total: Math.round(Number(o.total_inc_tax) * 100),
      placedAt: placed,
      status: 'open',
      platformStatus: 'Awaiting Fulfillment',
      holdToken: 'hold_tok-123456',
    });
    expect(order.lines).toHaveLength(260);
    expect(order.lines[1]).toEqual({ id: String(o.products[1]!.id), variantId: String(p.variants[1]!.id), quantity: 2, price: 999 });
    expect(stub.requests.filter((r) => r.path.endsWith('/products')).map((r) => r.query)).toEqual(['?limit=250&page=1', '?limit=250&page=2']);
  });

  it.each([
    [0, 'pending'],
    [1, 'open'],
    [2, 'shipped'],
    [3, 'open'],
    [4, 'refunded'],
    [5, 'cancelled'],
    [6, 'cancelled'],
    [7, 'open'],
    [9, 'open'],
    [10, 'shipped'],
    [11, 'open'],
    [14, 'open'],
  ])('status_id %i is %s', async (statusId, status) => {
    const o = stub.addOrder({ lines: [{ variantId: 1, productId: 1, quantity: 1, price: 1 }], statusId });
    expect((await api().order(String(o.id)))!.status).toBe(status);
  });

  it('a hold token must look like one; the customer message is read too; absent is null', async () => {
    const line = [{ variantId: 1, productId: 1, quantity: 1, price: 1 }];
    const short = stub.addOrder({ lines: line, staffNotes: 'waitline_hold=short', customerMessage: 'please ship fast waitline_hold=abcdefghij0123' });
    const none = stub.addOrder({ lines: line });
    expect((await api().order(String(short.id)))!.holdToken).toBe('abcdefghij0123');
    expect((await api().order(String(none.id)))!.holdToken).toBeNull();
  });

  it('an order the store does not have is null; a non-numeric id is refused before sending', async () => {
    expect(await api().order('424242')).toBeNull();
    await failure(api().order('1/../store'), 'invalid');
    expect(stub.requests).toHaveLength(1);
  });

  it('maps shipments with their tracking, and none as []', async () => {
    const o = stub.addOrder({ lines: [{ variantId: 1, productId: 1, quantity: 3, price: 5 }] });
    expect(await api().shipments(String(o.id))).toEqual([]);
    const line = o.products[0]!.id;
    const s1 = stub.addShipment(o.id, { items: [{ orderProductId: line, quantity: 2 }], trackingNumber: '1Z999', carrier: 'ups', link: 'https://track.example/1Z999' });
    const s2 = stub.addShipment(o.id, { items: [{ orderProductId: line, quantity: 1 }], provider: 'fedex', link: 'javascript:alert(1)' });
    expect(await api().shipments(String(o.id))).toEqual([
      { id: String(s1.id), tracking: { carrier: 'ups', trackingNumber: '1Z999', trackingUrl: 'https://track.example/1Z999' }, lines: [{ lineId: String(line), quantity: 2 }] },
      { id: String(s2.id), tracking: { carrier: 'fedex' }, lines: [{ lineId: String(line), quantity: 1 }] },
    ]);
  });
});

describe('refunds', () => {
  const orderWith = (payments?: Array<{ providerId: string; offline?: boolean }>) => {
    const p = stub.addProduct({ options: [{ labels: ['S'] }, { labels: ['M'] }] });
    return stub.addOrder({ lines: [{ variantId: p.variants[0]!.id, quantity: 2, price: 15 }, { variantId: p.variants[1]!.id, quantity: 1, price: 20 }], payments });
  };

  it('quotes, refunds through the online payment, and reads the refund back as confirmed', async () => {
    const o = orderWith();
    const client = api();
    const line = String(o.products[0]!.id);
    const made = await client.refund({ orderId: String(o.id), lines: [{ lineId: line, quantity: 2, amount: 3000 }], note: 'waitline backorder 31 cancelled' });
    expect(made).toEqual({ id: String(stub.refunds[0]!.id), note: 'waitline backorder 31 cancelled', amount: 3000, confirmed: true });
    const [quote, refund] = stub.requests.filter((r) => r.method === 'POST');
    expect(quote!.path).toBe(`/v3/orders/${o.id}/payment_actions/refund_quotes`);
    expect(refund!.body).toEqual({ items: [{ item_type: 'PRODUCT', item_id: Number(line), quantity: 2 }], payments: [{ provider_id: 'braintree', amount: 30, offline: false }], reason: 'waitline backorder 31 cancelled' });
    expect(await client.refunds(String(o.id))).toEqual([made]);
    expect(stub.orders.get(o.id)!.status_id).toBe(14);
  });

  it('an order paid offline is not_refundable, and nothing is refunded', async () => {
    const o = orderWith([{ providerId: 'cod', offline: true }]);
    await failure(api().refund({ orderId: String(o.id), lines: [{ lineId: String(o.products[0]!.id), quantity: 1, amount: 1500 }], note: 'n' }), 'not_refundable');
    expect(stub.refunds).toHaveLength(0);
  });

  it('a refund BigCommerce refuses (422) is not_refundable with its title', async () => {
    const o = orderWith();
    stub.refuseRefunds = true;
    const error = await failure(api().refund({ orderId: String(o.id), lines: [{ lineId: String(o.products[1]!.id), quantity: 1, amount: 2000 }], note: 'n' }), 'not_refundable');
    expect(error.message).toContain('declined the refund');
    stub.refuseRefunds = false;
    await failure(api().refund({ orderId: String(o.id), lines: [{ lineId: String(o.products[1]!.id), quantity: 2, amount: 4000 }], note: 'n' }), 'not_refundable');
    expect(stub.refunds).toHaveLength(0);
  });

  it('a recorded offline refund is not confirmed', async () => {
    const o = orderWith();
    o.refunds.push({ id: 77, order_id: o.id, user_id: 1, created: '', reason: 'by hand', total_amount: 15, total_tax: 0, items: [], payments: [{ id: 1, provider_id: 'custom', amount: 15, offline: true, is_declined: false, declined_message: '' }] });
    expect(await api().refunds(String(o.id))).toEqual([{ id: '77', note: 'by hand', amount: 1500, confirmed: false }]);
  });
});

describe('webhooks', () => {
  it('registers each topic with its secret in the header BigCommerce sends back, and deletes them', async () => {
    const client = api();
    const made = await client.registerWebhooks(HOOKS_URL, (topic) => `secret-for-${topic}`);
    expect(made.map((m) => m.topic)).toEqual([...BIGCOMMERCE_TOPICS]);
    expect(stub.webhooks.map((h) => [String(h.id), h.scope, h.destination, h.is_active, h.events_history_enabled, h.headers])).toEqual(
      made.map((m) => [m.id, m.topic, HOOKS_URL, true, true, { [BIGCOMMERCE_SECRET_HEADER]: `secret-for-${m.topic}` }]),
    );
    await client.deleteWebhooks([...made.map((m) => m.id), '999']);
    expect(stub.webhooks).toHaveLength(0);
  });

  it('a failure mid-registration deletes the webhooks made and rethrows', async () => {
    // The third webhook meets a store that keeps failing: two were made by then.
    let posts = 0;
    deps.http = async (url, init) => {
      if (init.method === 'POST' && ++posts === 3) stub.failNext(5, 503);
      return trustedStoreHttp(url, init);
    };
    await failure(api().registerWebhooks(HOOKS_URL, () => 's'), 'unavailable');
    expect(stub.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    expect(stub.webhooks).toHaveLength(0);
  });

  it('a destination BigCommerce refuses (not https on 443) fails the registration, leaving none', async () => {
    await failure(api().registerWebhooks('http://127.0.0.1:9/hooks', () => 's'), 'invalid');
    expect(stub.webhooks).toHaveLength(0);
  });

  it('the stub builds payloads as BigCommerce sends them, hash the SHA-1 of the data', () => {
    const data = { type: 'order', id: 250 };
    const payload = stub.webhookPayload('store/order/created', data);
    expect(payload).toMatchObject({ scope: 'store/order/created', store_id: stub.storeId, producer: `stores/${HASH}`, data });
    expect(payload.hash).toBe(createHash('sha1').update(JSON.stringify(data)).digest('hex'));
  });
});

describe('retries', () => {
  it('waits what a 429 asks (Retry-After), then answers', async () => {
    stub.failNext(2, 429, '3');
    await api().catalogPage(null);
    expect(waits).toEqual([3000, 3000]);
  });

  it('a 429 without Retry-After waits what X-Rate-Limit-Time-Reset-Ms says', async () => {
    stub.failNext(1, 429);
    await api().catalogPage(null);
    expect(waits).toEqual([1000]);
  });

  it('5xx is retried with backoff', async () => {
    stub.failNext(3, 503);
    await api().catalogPage(null);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  it('a store still failing after four retries is unavailable', async () => {
    stub.failNext(5, 500);
    await failure(api().catalogPage(null), 'unavailable');
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(stub.requests).toHaveLength(5);
  });

  it('no answer at all is unavailable after the same retries', async () => {
    const port = new URL(stub.url).port;
    await stub.close();
    const gone = bigCommerceApi(deps, { origin: `http://127.0.0.1:${port}`, storeHash: HASH, accessToken: TOKEN });
    await failure(gone.catalogPage(null), 'unavailable');
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    stub = await startBigCommerceStub({ storeHash: HASH, accessToken: TOKEN });
  });
});
