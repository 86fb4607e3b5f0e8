import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseStoreUrl, WOOCOMMERCE_TOPICS, wooCommerceApi, wooOrder } from '../../server/platforms/woocommerce/api.ts';
import { oauthSigned } from '../../server/platforms/woocommerce/http.ts';
import { trustedStoreHttp } from '../../server/platforms/store-http.ts';
import { StoreError, type StoreApi, type StoreApiDeps, type StoreHttp } from '../../server/platforms/store.ts';
import { generateWooCatalog, startWooCommerceStub, type WooCommerceStub } from '../stubs/woocommerce-stub.ts';

const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
const SECRET = 'cs_0123456789abcdef0123456789abcdef01234567';

let stub: WooCommerceStub;
/** Every wait the client asked for (tests never really wait). */
let waits: number[];

const deps = (http: StoreHttp = trustedStoreHttp): StoreApiDeps => ({
  http,
  sleep: async (ms) => {
    waits.push(ms);
  },
  now: () => new Date(),
});
const api = (store: Partial<{ url: string; consumerKey: string; consumerSecret: string }> = {}, http?: StoreHttp): StoreApi =>
  wooCommerceApi(deps(http), { url: stub.url, consumerKey: KEY, consumerSecret: SECRET, ...store });

beforeEach(async () => {
  stub = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET, name: 'Tom &amp; Jerry&#8217;s', currency: 'EUR' });
  waits = [];
});
afterEach(() => stub.close());

/** The StoreError a call ends in; the test fails if it succeeds or throws anything else. */
async function failure(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

const wcRequests = (path: string) => stub.requests.filter((r) => r.path.startsWith(`/wp-json/wc/v3${path}`));

describe('normaliseStoreUrl', () => {
  it.each([
    ['  https://Shop.Example/  ', 'https://shop.example'],
    ['http://WOO.test:8123/?utm=1#top', 'http://woo.test:8123'],
    ['https://example.com/shop/', 'https://example.com/shop'],
    ['https://shop.example:443', 'https://shop.example'],
  ])('%s → %s', (input, url) => {
    expect(normaliseStoreUrl(input)).toBe(url);
  });

  it.each(['shop.example', 'ftp://shop.example', 'javascript:alert(1)', 'https://user:pw@shop.example', ''])('%s is refused as invalid', (input) => {
    expect(() => normaliseStoreUrl(input)).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});

describe('verify', () => {
  it('describes the store: name, its origins and its currency, the keys checked on a read that needs them', async () => {
    expect(await api().verify()).toEqual({ name: 'Tom & Jerry’s', origins: [new URL(stub.url).origin], currency: 'EUR' });
    expect(stub.requests.map((r) => [r.path, r.auth])).toEqual([
      ['/wp-json/', 'none'],
      ['/wp-json/wc/v3/settings/general', 'oauth'],
    ]);
  });

  it('keeps the path of a WordPress under one, and signs its URLs with it', async () => {
    const under = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET, basePath: '/shop' });
    try {
      const client = wooCommerceApi(deps(), { url: under.url, consumerKey: KEY, consumerSecret: SECRET });
      expect(under.url).toMatch(/\/shop$/);
      expect((await client.verify()).currency).toBe('EUR');
      under.addSimpleProduct({ manage_stock: true, stock_quantity: 2 });
      expect((await client.catalogPage(null)).products).toHaveLength(1);
    } finally {
      await under.close();
    }
  });

  it('a wrong secret is unauthorized, the stub having refused the signature', async () => {
    const error = await failure(api({ consumerSecret: 'cs_wrong' }).verify());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('consumer key or secret');
    const res = await fetch(`${stub.url}/wp-json/wc/v3/settings/general?${new URLSearchParams(oauthSigned('GET', `${stub.url}/wp-json/wc/v3/settings/general`, {}, { consumerKey: KEY, consumerSecret: 'cs_wrong' }, Math.floor(Date.now() / 1000), 'n1'))}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Invalid signature - provided signature does not match.', data: { status: 401 } });
  });

  it('a Write-only key is forbidden, told to use Read/Write', async () => {
    stub.permissions = 'write';
    const error = await failure(api().verify());
    expect(error).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('Read/Write') });
  });

  it('an index closed to visitors still verifies with the keys, the store URL as its origin', async () => {
    const http: StoreHttp = async (url) =>
      url.endsWith('/wp-json/')
        ? { status: 401, headers: {}, body: JSON.stringify({ code: 'rest_cannot_access', message: 'Only authenticated users can access the REST API.', data: { status: 401 } }) }
        : { status: 200, headers: {}, body: JSON.stringify([{ id: 'woocommerce_currency', value: 'GBP' }]) };
    expect(await api({ url: 'https://shop.example' }, http).verify()).toEqual({ name: 'shop.example', origins: ['https://shop.example'], currency: 'GBP' });
  });

  it('a wrong consumer key is unauthorized', async () => {
    expect((await failure(api({ consumerKey: 'ck_someone_else' }).verify())).kind).toBe('unauthorized');
  });

  it('no WordPress at the address is not_found; WordPress without WooCommerce is not_found naming WooCommerce', async () => {
    const none = await failure(api({ url: `${stub.url}/nowhere` }).verify());
    expect(none).toMatchObject({ kind: 'not_found', message: `No WooCommerce store answers at ${stub.url}/nowhere` });
    stub.woocommerceActive = false;
    const inactive = await failure(api().verify());
    expect(inactive.kind).toBe('not_found');
    expect(inactive.message).toContain('WooCommerce');
  });

  it('a site answering /wp-json/ with a page, not JSON, is not_found', async () => {
    const html: StoreHttp = async () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Welcome</html>' });
    expect((await failure(api({ url: 'https://shop.example' }, html).verify())).kind).toBe('not_found');
  });

  it('a missing wc/v3 route (an old WooCommerce) is not_found naming its REST API', async () => {
    const http: StoreHttp = async (url) =>
      url.includes('/wc/v3/')
        ? { status: 404, headers: {}, body: JSON.stringify({ code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } }) }
        : { status: 200, headers: {}, body: JSON.stringify({ name: 'Old', url: 'https://shop.example', home: 'https://shop.example' }) };
    const error = await failure(api({ url: 'https://shop.example' }, http).verify());
    expect(error).toMatchObject({ kind: 'not_found' });
    expect(error.message).toContain('wc/v3');
  });
});

describe('authentication', () => {
  it('over https the key goes as HTTP Basic, with no OAuth parameters', async () => {
    const sent: Array<{ url: string; headers: Record<string, string> }> = [];
    const http: StoreHttp = async (url, init) => {
      sent.push({ url, headers: init.headers });
      const body = url.endsWith('/wp-json/')
        ? { name: 'Shop', url: 'https://www.shop.example', home: 'https://www.shop.example', namespaces: ['wc/v3'] }
        : [{ id: 'woocommerce_currency', value: 'usd' }];
      return { status: 200, headers: {}, body: JSON.stringify(body) };
    };
    const info = await api({ url: 'https://shop.example' }, http).verify();
    expect(info).toEqual({ name: 'Shop', origins: ['https://www.shop.example', 'https://shop.example'], currency: 'USD' });
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(sent[1]!.url).toBe('https://shop.example/wp-json/wc/v3/settings/general');
    expect(sent[1]!.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
  });

  it('over plain http Basic is not honoured, as WooCommerce answers it', async () => {
    const res = await fetch(`${stub.url}/wp-json/wc/v3/products`, { headers: { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'woocommerce_rest_cannot_view', data: { status: 401 } });
    expect(stub.requests.at(-1)?.auth).toBe('basic');
  });

  it('the OAuth 1.0a signature covers the query: the stub accepts it as sent, and refuses it altered or replayed', async () => {
    stub.addSimpleProduct();
    const base = `${stub.url}/wp-json/wc/v3/products`;
    const signed = oauthSigned('GET', base, { per_page: '5', include: '1,2,100' }, { consumerKey: KEY, consumerSecret: SECRET }, Math.floor(Date.now() / 1000), 'nonce-1');
    expect(signed.oauth_signature_method).toBe('HMAC-SHA256');
    const ok = await fetch(`${base}?${new URLSearchParams(signed)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-wp-total')).toBe('1');
    const replayed = await fetch(`${base}?${new URLSearchParams(signed)}`);
    expect(await replayed.json()).toMatchObject({ message: 'Invalid nonce - nonce has already been used.' });
    const altered = await fetch(`${base}?${new URLSearchParams({ ...signed, per_page: '6', oauth_nonce: 'nonce-2' })}`);
    expect(await altered.json()).toMatchObject({ message: 'Invalid signature - provided signature does not match.' });
  });

  it('a request without a key is told it cannot list', async () => {
    const res = await fetch(`${stub.url}/wp-json/wc/v3/products`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
  });
});

describe('catalog', () => {
  it('pages through products oldest first, with every variation (over 100 too), parent-managed stock and unmanaged stock', async () => {
    stub.products = generateWooCatalog(45, 3);
    const big = stub.addVariableProduct(
      { name: 'Big', manage_stock: true, stock_quantity: 9, categories: [{ id: 3, name: 'Shoes', slug: 'shoes' }], tags: [{ id: 4, name: 'sale', slug: 'sale' }] },
      Array.from({ length: 130 }, (_, i) => ({ option: `Size ${i}`, price: '5.25', manage_stock: i % 2 === 0 ? ('parent' as const) : true, stock_quantity: i % 2 === 0 ? null : i })),
    );
    stub.addSimpleProduct({ name: 'Untracked', price: '3.00' });
    stub.addSimpleProduct({ name: 'Gift set' }).type = 'grouped';
    stub.addSimpleProduct({ name: 'Elsewhere' }).type = 'external';

    const client = api();
    const pages = [];
    for (let cursor: string | null = null, n = 0; n === 0 || cursor !== null; n++) {
      const page = await client.catalogPage(cursor);
      pages.push(page);
      cursor = page.next;
    }
    expect(pages.map((p) => p.next)).toEqual(['2', '3', null]);
    expect(pages.every((p) => p.variantsTotal === null)).toBe(true);
    const products = pages.flatMap((p) => p.products);
    expect(products.map((p) => p.title)).not.toContain('Gift set');
    expect(products.map((p) => p.title)).not.toContain('Elsewhere');
    expect(products).toHaveLength(47);
    const ids = products.flatMap((p) => p.variants.map((v) => v.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(23 + 22 * 3 + 130 + 1);

    const bigOne = products.find((p) => p.id === String(big.id))!;
    expect(bigOne).toMatchObject({ title: 'Big', productType: 'Shoes', tags: ['sale'] });
    expect(bigOne.variants).toHaveLength(130);
    expect(bigOne.variants[0]).toMatchObject({ id: String(big.variations[0]!.id), title: 'Size 0', price: 525, stock: 9, stockRef: `product/${big.id}` });
    expect(bigOne.variants[1]).toMatchObject({ title: 'Size 1', stock: 1, stockRef: `product/${big.id}/variation/${big.variations[1]!.id}` });
    expect(bigOne.variants[1]!.url).toContain('/product/');
    expect(wcRequests(`/products/${big.id}/variations`).map((r) => r.query.page)).toEqual(['1', '2']);

    const simple = products.find((p) => p.title === 'Product 1')!;
    expect(simple.variants).toEqual([
      { id: simple.id, productId: simple.id, title: '', price: 1050, sku: null, imageUrl: `https://shop.example/wp-content/uploads/${simple.id}.jpg`, url: `${stub.url}/product/product-${simple.id}/`, stock: 0, stockRef: `product/${simple.id}` },
    ]);
    expect(products.find((p) => p.title === 'Untracked')!.variants[0]).toMatchObject({ stock: null, stockRef: null, price: 300 });
    expect(wcRequests('/products').filter((r) => !r.path.includes('variations')).every((r) => r.auth === 'oauth')).toBe(true);
  });

  it('a cursor that is not a page number is refused before any request', async () => {
    expect((await failure(api().catalogPage('abc'))).kind).toBe('invalid');
    expect(stub.requests).toHaveLength(0);
  });

  it('an answer in a shape WooCommerce does not give is invalid, without quoting it', async () => {
    const http: StoreHttp = async () => ({ status: 200, headers: { 'x-wp-totalpages': '1' }, body: JSON.stringify([{ id: 1, name: 'X', type: 'simple', price: 'secret-ish' }]) });
    const error = await failure(api({ url: 'https://shop.example' }, http).catalogPage(null));
    expect(error.kind).toBe('invalid');
    expect(error.message).not.toContain('secret-ish');
  });

  it('product(id) answers a product, the product of a variation id, and null for one deleted', async () => {
    const shirt = stub.addVariableProduct({ name: 'Shirt' }, [{ option: 'S' }, { option: 'M' }]);
    const client = api();
    expect((await client.product(String(shirt.id)))?.variants.map((v) => v.title)).toEqual(['S', 'M']);
    const viaVariation = await client.product(String(shirt.variations[1]!.id));
    expect(viaVariation).toMatchObject({ id: String(shirt.id), title: 'Shirt' });
    expect(await client.product('424242')).toBeNull();
    const before = stub.requests.length;
    expect(await client.product('../orders/1')).toBeNull();
    expect(stub.requests).toHaveLength(before);
  });
});

describe('stock', () => {
  it('stockLevels reads products in one request and variations in one per product, only managed stock', async () => {
    const counted = stub.addSimpleProduct({ manage_stock: true, stock_quantity: 4 });
    const uncounted = stub.addSimpleProduct();
    const shirt = stub.addVariableProduct({ manage_stock: true, stock_quantity: 7 }, [
      { option: 'S', manage_stock: true, stock_quantity: -2 },
      { option: 'M', manage_stock: false },
    ]);
    const refs = [
      `product/${counted.id}`,
      `product/${uncounted.id}`,
      `product/${shirt.id}`,
      `product/${shirt.id}/variation/${shirt.variations[0]!.id}`,
      `product/${shirt.id}/variation/${shirt.variations[1]!.id}`,
      'product/555555',
      'product/555555/variation/1',
      'nonsense',
    ];
    const levels = await api().stockLevels(refs);
    expect(Object.fromEntries(levels)).toEqual({
      [`product/${counted.id}`]: 4,
      [`product/${shirt.id}`]: 7,
      [`product/${shirt.id}/variation/${shirt.variations[0]!.id}`]: -2,
    });
    expect(stub.requests.map((r) => [r.path, r.query.include])).toEqual([
      ['/wp-json/wc/v3/products', `${counted.id},${uncounted.id},${shirt.id},555555`],
      [`/wp-json/wc/v3/products/${shirt.id}/variations`, `${shirt.variations[0]!.id},${shirt.variations[1]!.id}`],
      ['/wp-json/wc/v3/products/555555/variations', '1'],
    ]);
  });

  it('adjustStock writes the count plus the change and answers the count after', async () => {
    const mug = stub.addSimpleProduct({ manage_stock: true, stock_quantity: 5 });
    const shirt = stub.addVariableProduct({}, [{ option: 'S', manage_stock: true, stock_quantity: 1 }]);
    const client = api();
    expect(await client.adjustStock(`product/${mug.id}`, -3, 'hold')).toBe(2);
    expect(await client.adjustStock(`product/${shirt.id}/variation/${shirt.variations[0]!.id}`, 4, 'release')).toBe(5);
    expect(stub.stockOf(mug.id)).toBe(2);
    expect(stub.stockOf(shirt.variations[0]!.id)).toBe(5);
    expect(stub.puts).toEqual([
      { path: `/wp-json/wc/v3/products/${mug.id}`, id: mug.id, stock_quantity: 2 },
      { path: `/wp-json/wc/v3/products/${shirt.id}/variations/${shirt.variations[0]!.id}`, id: shirt.variations[0]!.id, stock_quantity: 5 },
    ]);
  });

  it.each([
    ['a product that no longer counts its stock', 'invalid', 'untracked'],
    ['a product deleted', 'not_found', 'product/999999'],
    ['a reference that is not WooCommerce`s', 'invalid', 'product/1/../../orders'],
  ])('adjustStock of %s → %s', async (_, kind, ref) => {
    const untracked = stub.addSimpleProduct();
    const error = await failure(api().adjustStock(ref === 'untracked' ? `product/${untracked.id}` : ref, 1, 'x'));
    expect(error.kind).toBe(kind);
    expect(stub.puts).toHaveLength(0);
  });
});

describe('orders', () => {
  it('maps an order: number, contact, money, paid date as UTC, hold token and lines by variation', async () => {
    const shirt = stub.addVariableProduct({ name: 'Shirt' }, [{ option: 'S', price: '12.50' }]);
    const mug = stub.addSimpleProduct({ price: '8.00' });
    const paid = new Date('2026-11-30T10:15:00Z');
    const json = stub.addOrder({
      status: 'processing',
      email: 'ada@example.com',
      holdToken: 'hold_abc123XYZ',
      dateCreated: new Date('2026-11-30T10:00:00Z'),
      datePaid: paid,
      lines: [
        { productId: shirt.id, variationId: shirt.variations[0]!.id, quantity: 2 },
        { productId: mug.id, quantity: 1 },
      ],
    });
    const o = await api().order(String(json.id));
    expect(o).toEqual({
      id: String(json.id),
      name: String(json.id),
      email: 'ada@example.com',
      phone: null,
      currency: 'EUR',
      total: 3300,
      placedAt: paid,
      status: 'open',
      platformStatus: 'processing',
      holdToken: 'hold_abc123XYZ',
      lines: [
        { id: expect.any(String), variantId: String(shirt.variations[0]!.id), quantity: 2, price: 1250 },
        { id: expect.any(String), variantId: String(mug.id), quantity: 1, price: 800 },
      ],
    });
    expect(wooOrder(json)).toEqual(o);
    expect(await api().order('777777')).toBeNull();
  });

  it.each([
    ['pending', 'pending'],
    ['checkout-draft', 'pending'],
    ['failed', 'pending'],
    ['processing', 'open'],
    ['on-hold', 'open'],
    ['completed', 'shipped'],
    ['cancelled', 'cancelled'],
    ['trash', 'cancelled'],
    ['refunded', 'refunded'],
    ['some-plugin-status', 'pending'],
  ])('status %s → %s', (platformStatus, status) => {
    const json = { ...stub.addOrder({ status: platformStatus, lines: [] }) };
    expect(wooOrder(json)).toMatchObject({ status, platformStatus });
  });

  it('an unpaid order is placed when created; a hold token of the wrong form is ignored', () => {
    const json = stub.addOrder({ status: 'pending', dateCreated: new Date('2026-01-02T03:04:05Z'), holdToken: 'short', lines: [] });
    expect(wooOrder(json)).toMatchObject({ placedAt: new Date('2026-01-02T03:04:05Z'), holdToken: null });
    expect(wooOrder({ ...json, meta_data: [{ id: 1, key: 'waitline_hold', value: '<script>alert(1)</script>' }] }).holdToken).toBeNull();
  });

  it('a payload in another shape is invalid', () => {
    expect(() => wooOrder({ id: 'x', status: 'processing' })).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});

describe('shipments', () => {
  it('none before completed; a completed order is one shipment of its lines, with the tracking extension`s parcel', async () => {
    const mug = stub.addSimpleProduct();
    const { id } = stub.addOrder({ lines: [{ productId: mug.id, quantity: 3 }] }) as { id: number };
    const client = api();
    expect(await client.shipments(String(id))).toEqual([]);

    stub.setOrderStatus(id, 'completed');
    const lineId = String(stub.orders.get(id)!.line_items[0]!.id);
    expect(await client.shipments(String(id))).toEqual([{ id: `order-${id}`, tracking: {}, lines: [{ lineId, quantity: 3 }] }]);

    stub.setOrderStatus(id, 'completed', [
      { tracking_provider: 'usps', tracking_number: 'OLD1', date_shipped: '1764500000' },
      { tracking_provider: '', custom_tracking_provider: 'Parcel Co', tracking_number: 'PC123', custom_tracking_link: 'https://track.example/PC123', date_shipped: '1764600000' },
    ]);
    expect((await client.shipments(String(id)))[0]!.tracking).toEqual({ carrier: 'Parcel Co', trackingNumber: 'PC123', trackingUrl: 'https://track.example/PC123' });

    stub.setOrderStatus(id, 'completed', [{ tracking_provider: 'dhl', tracking_number: 'D1', custom_tracking_link: 'javascript:alert(1)' }]);
    expect((await client.shipments(String(id)))[0]!.tracking).toEqual({ carrier: 'dhl', trackingNumber: 'D1' });
  });
});

describe('refunds', () => {
  it('refunds lines through the gateway with the note kept, the units put back, and lists it', async () => {
    const mug = stub.addSimpleProduct({ price: '8.00', manage_stock: true, stock_quantity: 10 });
    const { id } = stub.addOrder({ lines: [{ productId: mug.id, quantity: 3 }] }) as { id: number };
    expect(stub.stockOf(mug.id)).toBe(7);
    const lineId = String(stub.orders.get(id)!.line_items[0]!.id);
    const client = api();
    const made = await client.refund({ orderId: String(id), lines: [{ lineId, quantity: 2, amount: 1600 }], note: 'Waitline backorder 12' });
    expect(made).toEqual({ id: expect.any(String), note: 'Waitline backorder 12', amount: 1600, confirmed: true });
    expect(stub.requests.at(-1)?.body).toEqual({ amount: '16.00', reason: 'Waitline backorder 12', api_refund: true, line_items: [{ id: Number(lineId), quantity: 2, refund_total: '16.00' }] });
    expect(stub.stockOf(mug.id)).toBe(9);
    expect(await client.refunds(String(id))).toEqual([made]);
    expect(await client.refunds('888888')).toEqual([]);
  });

  it('a refund WooCommerce records without the gateway is not confirmed', async () => {
    const json = stub.addOrder({ lines: [{ productId: stub.addSimpleProduct().id, quantity: 1 }] }) as { id: number };
    stub.refunds.push({ id: 5, orderId: json.id, amount: '1.00', reason: '', refunded_payment: false, line_items: [], date_created_gmt: '2026-12-01T00:00:00' });
    expect(await api().refunds(String(json.id))).toEqual([{ id: '5', note: null, amount: 100, confirmed: false }]);
  });

  it.each([
    ['the gateway refuses', true, 1000, 'declined'],
    ['more than the order holds', false, 99_900, 'Invalid refund amount.'],
    ['nothing', false, 0, 'greater than zero'],
  ])('%s → not_refundable, nothing refunded, asked once', async (_, refuse, amount, said) => {
    const { id } = stub.addOrder({ lines: [{ productId: stub.addSimpleProduct({ price: '10.00' }).id, quantity: 1 }] }) as { id: number };
    stub.refuseRefunds = refuse;
    const lineId = String(stub.orders.get(id)!.line_items[0]!.id);
    const error = await failure(api().refund({ orderId: String(id), lines: [{ lineId, quantity: 1, amount }], note: 'n' }));
    expect(error.kind).toBe('not_refundable');
    expect(error.message).toContain(said);
    expect(stub.refunds).toHaveLength(0);
    expect(wcRequests(`/orders/${id}/refunds`)).toHaveLength(1);
  });

  it('a refund whose answer is lost is not sent again', async () => {
    const { id } = stub.addOrder({ lines: [{ productId: stub.addSimpleProduct().id, quantity: 1 }] }) as { id: number };
    stub.failNext(1, 502);
    const lineId = String(stub.orders.get(id)!.line_items[0]!.id);
    expect((await failure(api().refund({ orderId: String(id), lines: [{ lineId, quantity: 1, amount: 100 }], note: 'n' }))).kind).toBe('unavailable');
    expect(wcRequests(`/orders/${id}/refunds`)).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('registers one per topic with its secret, and deletes them', async () => {
    const client = api();
    const made = await client.registerWebhooks('https://waitline.example/webhooks/woocommerce/7', (topic) => `secret-${topic}`);
    expect(made.map((w) => w.topic)).toEqual([...WOOCOMMERCE_TOPICS]);
    expect(stub.webhooks.map(({ name, topic, delivery_url, secret, status }) => ({ name, topic, delivery_url, secret, status }))).toEqual(
      WOOCOMMERCE_TOPICS.map((topic) => ({ name: `Waitline ${topic}`, topic, delivery_url: 'https://waitline.example/webhooks/woocommerce/7', secret: `secret-${topic}`, status: 'active' })),
    );
    expect(made.map((w) => w.id)).toEqual(stub.webhooks.map((w) => String(w.id)));
    await client.deleteWebhooks([...made.map((w) => w.id), '31337']);
    expect(stub.webhooks).toEqual([]);
    expect(wcRequests('/webhooks/').every((r) => r.query.force === 'true')).toBe(true);
  });

  it('the stub gives a service test what WooCommerce would deliver, signed with the webhook`s secret', async () => {
    await api().registerWebhooks('https://waitline.example/w', (topic) => `secret-${topic}`);
    const mug = stub.addSimpleProduct();
    const delivery = stub.webhookDelivery('product.updated', stub.productJson(mug.id));
    expect(delivery.url).toBe('https://waitline.example/w');
    expect(delivery.headers).toMatchObject({ 'x-wc-webhook-topic': 'product.updated', 'x-wc-webhook-resource': 'product', 'x-wc-webhook-event': 'updated' });
    expect(delivery.headers['x-wc-webhook-signature']).toBe(createHmac('sha256', 'secret-product.updated').update(delivery.body).digest('base64'));
    expect(JSON.parse(delivery.body)).toMatchObject({ id: mug.id, type: 'simple' });
  });

  it('a Read-only key is forbidden, told to use Read/Write, and nothing is left registered', async () => {
    stub.permissions = 'read';
    const error = await failure(api().registerWebhooks('https://waitline.example/w', () => 's'));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('Read/Write');
    expect(stub.webhooks).toEqual([]);
  });

  it('a failure part way deletes the ones made and rethrows', async () => {
    let posts = 0;
    const http: StoreHttp = async (url, init) => {
      if (init.method === 'POST' && ++posts === 2) return { status: 400, headers: {}, body: JSON.stringify({ code: 'rest_invalid_param', message: 'Invalid parameter(s): delivery_url', data: { status: 400 } }) };
      return trustedStoreHttp(url, init);
    };
    expect((await failure(api({}, http).registerWebhooks('https://waitline.example/w', () => 's'))).kind).toBe('invalid');
    expect(stub.webhooks).toEqual([]);
    expect(wcRequests('/webhooks').map((r) => r.method)).toEqual(['POST', 'DELETE']);
  });
});

describe('retries', () => {
  it('waits what Retry-After says after a 429, and backs off after 503s, then answers', async () => {
    stub.failNext(1, 429, '7');
    expect((await api().verify()).currency).toBe('EUR');
    expect(waits).toEqual([7000]);
    waits = [];
    stub.failNext(2, 503);
    expect((await api().catalogPage(null)).products).toEqual([]);
    expect(waits).toEqual([1000, 2000]);
  });

  it('a store still failing after 4 retries is unavailable', async () => {
    stub.failNext(10, 503);
    const error = await failure(api().order('1'));
    expect(error.kind).toBe('unavailable');
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(stub.requests).toHaveLength(5);
  });

  it('a store that does not answer at all is unavailable', async () => {
    const url = stub.url;
    await stub.close();
    stub = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET });
    expect((await failure(api({ url }).verify())).kind).toBe('unavailable');
  });
});
