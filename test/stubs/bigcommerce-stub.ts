import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local BigCommerce store answering the REST API paths Waitline calls, at
 * `${url}/stores/{hash}/v2|v3/…`, with X-Auth-Token checked on every request:
 * - GET /v2/store
 *   https://developer.bigcommerce.com/docs/rest-management/store-information#get-store-information
 * - GET /v3/catalog/products (include=variants,images, include_fields, id:in, limit ≤ 250, page; meta.pagination),
 *   GET /v3/catalog/products/{id}, GET /v3/catalog/products/{id}/variants/{id}, GET /v3/catalog/variants (id:in)
 *   https://developer.bigcommerce.com/docs/rest-catalog/products
 *   https://developer.bigcommerce.com/docs/rest-catalog/product-variants
 * - GET /v3/inventory/items, POST /v3/inventory/adjustments/relative (answers {transaction_id})
 *   https://developer.bigcommerce.com/docs/rest-management/inventory/adjustments
 * - GET /v2/orders, /v2/orders/{id}, /v2/orders/{id}/products, /v2/orders/{id}/shipments: V2 lists are bare
 *   arrays paged by limit/page, and an empty one is 204 No Content
 *   https://developer.bigcommerce.com/docs/rest-management/orders
 *   https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments
 * - GET /v3/orders/{id}/payment_actions/refunds, POST …/refund_quotes, POST …/refunds
 *   https://developer.bigcommerce.com/docs/rest-management/transactions/payment-actions
 *   https://developer.bigcommerce.com/docs/store-operations/orders/refunds
 * - GET/POST /v3/hooks, DELETE /v3/hooks/{id}
 *   https://developer.bigcommerce.com/docs/integrations/webhooks
 * Errors are BigCommerce's `{status, title, type, errors}` (V2: `[{status, message}]`); a token without
 * the OAuth scope for a resource is 403. The titles of 422s are the stub's own wording where the docs
 * give none. Money is a number on V3 and a decimal string on V2, as BigCommerce writes it.
 */

export interface StubBcOptionValue {
  id: number;
  label: string;
  option_id: number;
  option_display_name: string;
}
export interface StubBcVariant {
  id: number;
  product_id: number;
  sku: string;
  /** null: the variant takes the product's price. */
  price: number | null;
  calculated_price: number;
  inventory_level: number;
  image_url: string;
  option_values: StubBcOptionValue[];
}
export interface StubBcImage {
  id: number;
  product_id: number;
  is_thumbnail: boolean;
  url_standard: string;
  url_thumbnail: string;
}
export type StubBcTracking = 'none' | 'product' | 'variant';
export interface StubBcProduct {
  id: number;
  name: string;
  type: 'physical';
  sku: string;
  price: number;
  calculated_price: number;
  inventory_level: number;
  inventory_tracking: StubBcTracking;
  search_keywords: string;
  custom_url: { url: string; is_customized: boolean };
  images: StubBcImage[];
  /** One base variant (no option values) for a product without options. */
  variants: StubBcVariant[];
}
export interface StubBcProductInput {
  name?: string;
  price?: number;
  /** Default: 'variant' when there are options, else 'product'. */
  tracking?: StubBcTracking;
  /** The product's level (tracking 'product', or the base variant's). */
  stock?: number;
  keywords?: string;
  image?: string | null;
  /** One entry per variant: its option labels ("Small", "Red"), and optionally its own level, price, sku, image. */
  options?: Array<{ labels: string[]; stock?: number; price?: number | null; sku?: string; image?: string }>;
}

export interface StubBcOrderProduct {
  id: number;
  order_id: number;
  product_id: number;
  variant_id: number;
  name: string;
  sku: string;
  quantity: number;
  /** Unit price, a decimal string. */
  price_inc_tax: string;
  /** Units refunded so far. */
  refunded: number;
}
export interface StubBcShipment {
  id: number;
  order_id: number;
  date_created: string;
  tracking_number: string;
  shipping_method: string;
  shipping_provider: string;
  tracking_carrier: string;
  tracking_link: string;
  generated_tracking_link: string;
  comments: string;
  items: Array<{ order_product_id: number; product_id: number; quantity: number }>;
}
export interface StubBcPayment {
  provider_id: string;
  provider_description: string;
  amount: number;
  offline: boolean;
}
export interface StubBcRefund {
  id: number;
  order_id: number;
  user_id: number;
  created: string;
  reason: string;
  total_amount: number;
  total_tax: number;
  items: Array<{ item_type: string; item_id: number; quantity: number; requested_amount: number | null; reason: string }>;
  payments: Array<{ id: number; provider_id: string; amount: number; offline: boolean; is_declined: boolean; declined_message: string }>;
}
export interface StubBcOrder {
  id: number;
  status_id: number;
  status: string;
  /** RFC 2822, as V2 writes dates. */
  date_created: string;
  currency_code: string;
  total_inc_tax: string;
  staff_notes: string;
  customer_message: string;
  billing_address: { first_name: string; last_name: string; email: string; phone: string };
  products: StubBcOrderProduct[];
  shipments: StubBcShipment[];
  /** How it was paid: the refund quote offers these back. */
  payments: StubBcPayment[];
  refunds: StubBcRefund[];
}
export interface StubBcOrderInput {
  id?: number;
  statusId?: number;
  currency?: string;
  email?: string;
  phone?: string;
  createdAt?: Date;
  staffNotes?: string;
  customerMessage?: string;
  lines: Array<{ variantId: number; productId?: number; quantity: number; price: number; name?: string }>;
  /** Default: one online card payment of the total through 'braintree'. */
  payments?: Array<{ providerId: string; offline?: boolean; amount?: number }>;
}
export interface StubBcHook {
  id: number;
  client_id: string;
  store_hash: string;
  scope: string;
  destination: string;
  is_active: boolean;
  events_history_enabled: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}
export interface StubBcRequest {
  method: string;
  /** The path after /stores/{hash}, without the query. */
  path: string;
  query: string;
  token: string | undefined;
  body: unknown;
}
/**
 * The OAuth scopes the token holds, BigCommerce's names: `store_v2_products` (modify) or
 * `store_v2_products_read_only`, and likewise store_v2_orders, store_v2_information, store_inventory.
 * https://developer.bigcommerce.com/docs/start/authentication/api-accounts#oauth-scopes
 */
export type StubBcScope = 'store_v2_information' | 'store_v2_products' | 'store_v2_orders' | 'store_inventory';

export interface BigCommerceStub {
  /** The origin (http://127.0.0.1:port): the client's BIGCOMMERCE_API_ORIGIN. */
  url: string;
  storeHash: string;
  storeId: string;
  tokens: Set<string>;
  store: { name: string; domain: string; secure_url: string; currency: string };
  /** Scope → 'modify' | 'read_only'; a resource without one answers 403. */
  scopes: Map<StubBcScope, 'modify' | 'read_only'>;
  products: StubBcProduct[];
  addProduct(input?: StubBcProductInput): StubBcProduct;
  /** A variant by id, or a product's own level ({productId}); the change a merchant or another sale makes. */
  setStock(target: number | { productId: number }, level: number): void;
  stockOf(target: number | { productId: number }): number;
  orders: Map<number, StubBcOrder>;
  addOrder(input: StubBcOrderInput): StubBcOrder;
  setOrderStatus(orderId: number, statusId: number): void;
  addShipment(orderId: number, input: { items: Array<{ orderProductId: number; quantity: number }>; trackingNumber?: string; carrier?: string; provider?: string; link?: string }): StubBcShipment;
  webhooks: StubBcHook[];
  /** Every relative adjustment applied, as sent. */
  adjustments: Array<{ reason: string | null; items: Array<Record<string, unknown>> }>;
  /** Every refund made, in order (also on its order). */
  refunds: StubBcRefund[];
  /** While true, POST …/payment_actions/refunds is refused with 422 and nothing is refunded. */
  refuseRefunds: boolean;
  requests: StubBcRequest[];
  /** The next `count` requests answer `status` (a 429 carries Retry-After: `retryAfter` seconds when given). */
  failNext(count: number, status: number, retryAfter?: string): void;
  /** A callback body as BigCommerce posts it for `scope`. */
  webhookPayload(scope: string, data: Record<string, unknown>): { created_at: number; store_id: string; producer: string; scope: string; hash: string; data: Record<string, unknown> };
  close(): Promise<void>;
}

const STATUS_NAMES: Record<number, string> = {
  0: 'Incomplete', 1: 'Pending', 2: 'Shipped', 3: 'Partially Shipped', 4: 'Refunded', 5: 'Cancelled', 6: 'Declined', 7: 'Awaiting Payment',
  8: 'Awaiting Pickup', 9: 'Awaiting Shipment', 10: 'Completed', 11: 'Awaiting Fulfillment', 12: 'Manual Verification Required', 13: 'Disputed', 14: 'Partially Refunded',
};
const ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';
const round2 = (x: number) => Math.round(x * 100) / 100;
/** V2's dates: RFC 2822 with a numeric zone ("Tue, 20 Nov 2012 00:00:00 +0000"). */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/**
 * `count` variants, `perProduct` to a product (the last takes the rest). A one-variant product has no
 * options and tracks by product; the others track by variant, and every fifth product tracks nothing.
 */
export function generateBigCommerceCatalog(count: number, perProduct = 3, firstProductId = 100, firstVariantId = 1000): StubBcProduct[] {
  const products: StubBcProduct[] = [];
  for (let made = 0, p = 0; made < count; p++) {
    const n = Math.min(perProduct, count - made);
    const id = firstProductId + p;
    const tracking: StubBcTracking = p % 5 === 4 ? 'none' : n === 1 ? 'product' : 'variant';
    const price = 10 + (p % 7) + 0.99;
    products.push({
      id,
      name: `Product ${p + 1}`,
      type: 'physical',
      sku: `P-${id}`,
      price,
      calculated_price: price,
      inventory_level: tracking === 'product' ? p % 9 : 0,
      inventory_tracking: tracking,
      search_keywords: p % 3 ? 'sale, summer' : '',
      custom_url: { url: `/product-${p + 1}/`, is_customized: false },
      images: [{ id: id * 10, product_id: id, is_thumbnail: true, url_standard: `https://cdn11.bigcommerce.com/s-stub/products/${id}/images/${id * 10}/p.386.513.jpg`, url_thumbnail: `https://cdn11.bigcommerce.com/s-stub/products/${id}/images/${id * 10}/p.220.290.jpg` }],
      variants: Array.from({ length: n }, (_, i) => ({
        id: firstVariantId + made + i,
        product_id: id,
        sku: n === 1 ? `P-${id}` : `P-${id}-${i + 1}`,
        price: null,
        calculated_price: price,
        inventory_level: tracking === 'variant' ? (made + i) % 7 : tracking === 'product' ? p % 9 : 0,
        image_url: '',
        option_values: n === 1 ? [] : [{ id: 500 + i, label: `Size ${i + 1}`, option_id: 50, option_display_name: 'Size' }],
      })),
    });
    made += n;
  }
  return products;
}

export async function startBigCommerceStub(options: { storeHash: string; accessToken: string; name?: string; domain?: string; currency?: string }): Promise<BigCommerceStub> {
  let failures: Array<{ status: number; retryAfter?: string }> = [];
  let nextProduct = 1;
  let nextVariant = 10_000;
  let nextOrder = 100;
  let nextOrderProduct = 1;
  let nextShipment = 1;
  let nextHook = 20_000_000;
  let nextRefund = 1;
  let nextRefundPayment = 1;
  const domain = options.domain ?? 'shop.example.com';

  const state: BigCommerceStub = {
    url: '',
    storeHash: options.storeHash,
    storeId: '1001234567',
    tokens: new Set([options.accessToken]),
    store: { name: options.name ?? 'Stub BigCommerce Store', domain, secure_url: `https://${domain}`, currency: options.currency ?? 'USD' },
    scopes: new Map([
      ['store_v2_information', 'read_only'],
      ['store_v2_products', 'modify'],
      ['store_v2_orders', 'modify'],
      ['store_inventory', 'modify'],
    ]),
    products: [],
    addProduct(input = {}) {
      // Tests may replace `products` (a generated catalog): new ids follow whatever is there.
      nextProduct = Math.max(nextProduct, ...state.products.map((p) => p.id + 1));
      nextVariant = Math.max(nextVariant, ...state.products.flatMap((p) => p.variants.map((v) => v.id + 1)));
      const id = nextProduct++;
      const price = input.price ?? 25;
      const options = input.options ?? [];
      const tracking = input.tracking ?? (options.length ? 'variant' : 'product');
      const image = input.image === undefined ? `https://cdn11.bigcommerce.com/s-stub/products/${id}/images/1/main.386.513.jpg` : input.image;
      const variant = (i: number, o?: NonNullable<StubBcProductInput['options']>[number]): StubBcVariant => ({
        id: nextVariant++,
        product_id: id,
        sku: o?.sku ?? (o ? `SKU-${id}-${i + 1}` : `SKU-${id}`),
        price: o?.price ?? null,
        calculated_price: o?.price ?? price,
        inventory_level: o?.stock ?? (o ? 0 : (input.stock ?? 0)),
        image_url: o?.image ?? '',
        option_values: (o?.labels ?? []).map((label, k) => ({ id: 700 + i * 10 + k, label, option_id: 70 + k, option_display_name: `Option ${k + 1}` })),
      });
      const product: StubBcProduct = {
        id,
        name: input.name ?? `Product ${id}`,
        type: 'physical',
        sku: `SKU-${id}`,
        price,
        calculated_price: price,
        inventory_level: input.stock ?? 0,
        inventory_tracking: tracking,
        search_keywords: input.keywords ?? '',
        custom_url: { url: `/product-${id}/`, is_customized: false },
        images: image ? [{ id: id * 10, product_id: id, is_thumbnail: true, url_standard: image, url_thumbnail: image }] : [],
        variants: options.length ? options.map((o, i) => variant(i, o)) : [variant(0)],
      };
      state.products.push(product);
      return product;
    },
    setStock(target, level) {
      if (typeof target === 'number') {
        const { product, variant } = findVariant(target) ?? missing(`variant ${target}`);
        variant.inventory_level = level;
        if (isBase(product)) product.inventory_level = level;
      } else {
        const product = findProduct(target.productId) ?? missing(`product ${target.productId}`);
        product.inventory_level = level;
        if (isBase(product)) product.variants[0]!.inventory_level = level;
      }
    },
    stockOf(target) {
      if (typeof target === 'number') return (findVariant(target) ?? missing(`variant ${target}`)).variant.inventory_level;
      return (findProduct(target.productId) ?? missing(`product ${target.productId}`)).inventory_level;
    },
    orders: new Map(),
    addOrder(input) {
      const id = input.id ?? nextOrder++;
      const statusId = input.statusId ?? 11;
      const products = input.lines.map((l) => {
        const found = findVariant(l.variantId);
        return {
          id: nextOrderProduct++,
          order_id: id,
          product_id: l.productId ?? found?.product.id ?? 0,
          variant_id: l.variantId,
          name: l.name ?? found?.product.name ?? 'Item',
          sku: found?.variant.sku ?? '',
          quantity: l.quantity,
          price_inc_tax: l.price.toFixed(4),
          refunded: 0,
        };
      });
      const total = round2(input.lines.reduce((n, l) => n + l.price * l.quantity, 0));
      const order: StubBcOrder = {
        id,
        status_id: statusId,
        status: STATUS_NAMES[statusId] ?? 'Pending',
        date_created: rfc2822(input.createdAt ?? new Date()),
        currency_code: input.currency ?? state.store.currency,
        total_inc_tax: total.toFixed(4),
        staff_notes: input.staffNotes ?? '',
        customer_message: input.customerMessage ?? '',
        billing_address: { first_name: 'Ada', last_name: 'Lovelace', email: input.email ?? '', phone: input.phone ?? '' },
        products,
        shipments: [],
        payments: (input.payments ?? [{ providerId: 'braintree' }]).map((p) => ({ provider_id: p.providerId, provider_description: p.offline ? 'Cash on Delivery' : 'Credit Card', amount: p.amount ?? total, offline: p.offline ?? false })),
        refunds: [],
      };
      state.orders.set(id, order);
      return order;
    },
    setOrderStatus(orderId, statusId) {
      const order = state.orders.get(orderId) ?? missing(`order ${orderId}`);
      order.status_id = statusId;
      order.status = STATUS_NAMES[statusId] ?? 'Pending';
    },
    addShipment(orderId, input) {
      const order = state.orders.get(orderId) ?? missing(`order ${orderId}`);
      const shipment: StubBcShipment = {
        id: nextShipment++,
        order_id: orderId,
        date_created: rfc2822(new Date()),
        tracking_number: input.trackingNumber ?? '',
        shipping_method: 'Standard',
        shipping_provider: input.provider ?? '',
        tracking_carrier: input.carrier ?? '',
        tracking_link: input.link ?? '',
        generated_tracking_link: '',
        comments: '',
        items: input.items.map((i) => ({ order_product_id: i.orderProductId, product_id: order.products.find((p) => p.id === i.orderProductId)?.product_id ?? 0, quantity: i.quantity })),
      };
      order.shipments.push(shipment);
      return shipment;
    },
    webhooks: [],
    adjustments: [],
    refunds: [],
    refuseRefunds: false,
    requests: [],
    failNext(count, status, retryAfter) {
      failures.push(...Array.from({ length: count }, () => ({ status, retryAfter })));
    },
    webhookPayload(scope, data) {
      // "The SHA-1 hash of the JSON-encoded payload data": https://developer.bigcommerce.com/docs/integrations/webhooks/events
      const hash = createHash('sha1').update(JSON.stringify(data)).digest('hex');
      return { created_at: Math.floor(Date.now() / 1000), store_id: state.storeId, producer: `stores/${state.storeHash}`, scope, hash, data };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };

  function missing(what: string): never {
    throw new Error(`The stub has no ${what}`);
  }
  const findProduct = (id: number) => state.products.find((p) => p.id === id);
  function findVariant(id: number) {
    for (const product of state.products) {
      const variant = product.variants.find((v) => v.id === id);
      if (variant) return { product, variant };
    }
    return null;
  }
  /** A product without options: its level and its base variant's are one number. */
  const isBase = (p: StubBcProduct) => p.variants.length === 1 && p.variants[0]!.option_values.length === 0;

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        answer(req, res, raw);
      } catch {
        v3Error(res, 500, 'Internal Server Error');
      }
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    // The rate-limit window BigCommerce reports on every answer.
    const limits = { 'X-Rate-Limit-Requests-Quota': '150', 'X-Rate-Limit-Requests-Left': '149', 'X-Rate-Limit-Time-Window-Ms': '30000', 'X-Rate-Limit-Time-Reset-Ms': '15000' };
    if (status === 204) return res.writeHead(204, { ...limits, ...headers }).end();
    res.writeHead(status, { 'Content-Type': 'application/json', ...limits, ...headers }).end(JSON.stringify(body));
  }
  const v3Error = (res: ServerResponse, status: number, title: string, errors: Record<string, string> = {}) => send(res, status, { status, title, type: ERROR_TYPE, errors });
  const v2Error = (res: ServerResponse, status: number, message: string) => send(res, status, [{ status, message }]);

  /** V3's list envelope, with the pagination BigCommerce reports. */
  function v3Page(res: ServerResponse, all: unknown[], query: URLSearchParams) {
    const limit = Math.min(250, Math.max(1, Number(query.get('limit') ?? 50) || 50));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const data = all.slice((page - 1) * limit, page * limit);
    const totalPages = Math.ceil(all.length / limit);
    const link = (p: number) => `?limit=${limit}&page=${p}`;
    const links = { ...(page > 1 ? { previous: link(page - 1) } : {}), current: link(page), ...(page < totalPages ? { next: link(page + 1) } : {}) };
    send(res, 200, { data, meta: { pagination: { total: all.length, count: data.length, per_page: limit, current_page: page, total_pages: totalPages, links } } });
  }
  /** V2's lists: bare arrays, and 204 when the page is empty. */
  function v2Page(res: ServerResponse, all: unknown[], query: URLSearchParams) {
    const limit = Math.min(250, Math.max(1, Number(query.get('limit') ?? 50) || 50));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const data = all.slice((page - 1) * limit, page * limit);
    if (data.length === 0) return send(res, 204, null);
    send(res, 200, data);
  }

  /** A product as V3 answers it: variants and images only when included; only `include_fields` (and id) when given. */
  function productJson(p: StubBcProduct, query: URLSearchParams) {
    const include = new Set((query.get('include') ?? '').split(',').filter(Boolean));
    const { variants, images, ...rest } = p;
    const full: Record<string, unknown> = { ...rest, ...(include.has('variants') ? { variants } : {}), ...(include.has('images') ? { images } : {}) };
    const fields = query.get('include_fields');
    if (!fields) return full;
    const keep = new Set(['id', ...fields.split(','), ...include]);
    return Object.fromEntries(Object.entries(full).filter(([k]) => keep.has(k)));
  }
  const idsIn = (query: URLSearchParams) => query.get('id:in')?.split(',').map(Number);

  /** The scope a path needs; a write needs its modify form (webhooks excepted). */
  function scopeFor(path: string): StubBcScope | null {
    if (path === '/v2/store' || path.startsWith('/v3/hooks')) return 'store_v2_information';
    if (path.startsWith('/v3/catalog/')) return 'store_v2_products';
    if (path.startsWith('/v2/orders') || path.startsWith('/v3/orders')) return 'store_v2_orders';
    if (path.startsWith('/v3/inventory/')) return 'store_inventory';
    return null;
  }

  function answer(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = req.method ?? 'GET';
    const match = /^\/stores\/([^/]+)(\/.*)$/.exec(url.pathname);
    const token = req.headers['x-auth-token'] as string | undefined;
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return v3Error(res, 400, 'Input is invalid');
      }
    }
    state.requests.push({ method, path: match?.[2] ?? url.pathname, query: url.search, token, body });
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.status === 429 ? { 'X-Rate-Limit-Time-Reset-Ms': '1000', 'X-Rate-Limit-Requests-Left': '0', ...(failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {}) } : {};
      return send(res, failure.status, { status: failure.status, title: failure.status === 429 ? 'Too Many Requests' : 'Service Unavailable', type: ERROR_TYPE }, headers);
    }
    if (!match || match[1] !== state.storeHash) return v3Error(res, 404, 'Not Found');
    if (!token || !state.tokens.has(token)) return v3Error(res, 401, 'Unauthorized');
    const path = match[2]!;
    const scope = scopeFor(path);
    const granted = scope ? state.scopes.get(scope) : 'modify';
    const writes = method !== 'GET' && !path.startsWith('/v3/hooks');
    if (!granted || (writes && granted !== 'modify')) return v3Error(res, 403, "You don't have a required scope to access the endpoint");
    route(method, path, url.searchParams, body, res);
  }

  function route(method: string, path: string, query: URLSearchParams, body: any, res: ServerResponse) {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/v2/store') {
      const s = state.store;
      return send(res, 200, { id: state.storeHash, domain: s.domain, secure_url: s.secure_url, control_panel_base_url: `https://store-${state.storeHash}.mybigcommerce.com`, name: s.name, currency: s.currency, currency_symbol: '$', decimal_places: 2, plan_name: 'Standard', is_price_entered_with_tax: false, features: {} });
    }
    if (method === 'GET' && path === '/v3/catalog/products') {
      const ids = idsIn(query);
      const all = [...state.products].sort((a, b) => a.id - b.id).filter((p) => !ids || ids.includes(p.id));
      return v3Page(res, all.map((p) => productJson(p, query)), query);
    }
    if (method === 'GET' && (m = /^\/v3\/catalog\/products\/(\d+)$/.exec(path))) {
      const p = findProduct(Number(m[1]));
      return p ? send(res, 200, { data: productJson(p, query), meta: {} }) : v3Error(res, 404, `The product was not found with id of ${m[1]}`);
    }
    if (method === 'GET' && (m = /^\/v3\/catalog\/products\/(\d+)\/variants\/(\d+)$/.exec(path))) {
      const found = findVariant(Number(m[2]));
      return found && found.product.id === Number(m[1]) ? send(res, 200, { data: found.variant, meta: {} }) : v3Error(res, 404, `The product variant was not found with id of ${m[2]}`);
    }
    if (method === 'GET' && path === '/v3/catalog/variants') {
      const ids = idsIn(query);
      return v3Page(res, state.products.flatMap((p) => p.variants).filter((v) => !ids || ids.includes(v.id)).sort((a, b) => a.id - b.id), query);
    }
    if (method === 'GET' && path === '/v3/inventory/items') {
      const items = state.products.flatMap((p) => p.variants.map((v) => ({ identity: { sku: v.sku, variant_id: v.id, product_id: p.id, sku_id: v.id }, locations: [{ location_id: 1, available_to_sell: p.inventory_tracking === 'product' ? p.inventory_level : v.inventory_level, total_inventory_onhand: v.inventory_level, settings: { safety_stock: 0, is_in_stock: true, warning_level: 0, bin_picking_number: '' } }] })));
      return v3Page(res, items, query);
    }
    if (method === 'POST' && path === '/v3/inventory/adjustments/relative') return relativeAdjustment(res, body);
    if (method === 'GET' && path === '/v2/orders') return v2Page(res, [...state.orders.values()].map(orderJson), query);
    if (method === 'GET' && (m = /^\/v2\/orders\/(\d+)(\/products|\/shipments)?$/.exec(path))) {
      const order = state.orders.get(Number(m[1]));
      if (!order) return v2Error(res, 404, 'The requested resource was not found.');
      if (m[2] === '/products') return v2Page(res, order.products.map(({ refunded: _, ...p }) => p), query);
      if (m[2] === '/shipments') return v2Page(res, order.shipments, query);
      return send(res, 200, orderJson(order));
    }
    if ((m = /^\/v3\/orders\/(\d+)\/payment_actions\/(refunds|refund_quotes)$/.exec(path))) {
      const order = state.orders.get(Number(m[1]));
      if (!order) return v3Error(res, 404, 'Order not found');
      if (method === 'GET' && m[2] === 'refunds') return v3Page(res, order.refunds, query);
      if (method === 'POST' && m[2] === 'refund_quotes') return refundQuote(res, order, body);
      if (method === 'POST' && m[2] === 'refunds') return createRefund(res, order, body);
    }
    if (method === 'GET' && path === '/v3/hooks') return v3Page(res, state.webhooks, query);
    if (method === 'POST' && path === '/v3/hooks') return createHook(res, body);
    if (method === 'DELETE' && (m = /^\/v3\/hooks\/(\d+)$/.exec(path))) {
      const index = state.webhooks.findIndex((h) => h.id === Number(m![1]));
      if (index < 0) return v3Error(res, 404, `Webhook with id [${m[1]}] not found`);
      const [hook] = state.webhooks.splice(index, 1);
      return send(res, 200, { data: hook, meta: {} });
    }
    return v3Error(res, 404, 'Not Found');
  }

  const orderJson = ({ products: _p, shipments: _s, payments: _pay, refunds: _r, ...o }: StubBcOrder) => ({
    ...o,
    customer_id: 0,
    items_total: _p.reduce((n, p) => n + p.quantity, 0),
    products: { url: `https://api.bigcommerce.com/stores/${state.storeHash}/v2/orders/${o.id}/products`, resource: `/orders/${o.id}/products` },
    shipping_addresses: { url: `https://api.bigcommerce.com/stores/${state.storeHash}/v2/orders/${o.id}/shippingaddresses`, resource: `/orders/${o.id}/shippingaddresses` },
  });

  /** Applied whole or not at all; a level below zero is refused. */
  function relativeAdjustment(res: ServerResponse, body: any) {
    const items: Array<Record<string, unknown>> = Array.isArray(body?.items) ? body.items : [];
    if (items.length === 0) return v3Error(res, 422, 'JSON data is missing or invalid', { items: 'items are required' });
    const plan: Array<() => void> = [];
    for (const [i, item] of items.entries()) {
      const quantity = item.quantity;
      if (item.location_id !== 1) return v3Error(res, 422, 'Location not found', { [`items.${i}.location_id`]: 'unknown location' });
      if (!Number.isInteger(quantity)) return v3Error(res, 422, 'JSON data is missing or invalid', { [`items.${i}.quantity`]: 'must be an integer' });
      if (typeof item.variant_id === 'number') {
        const found = findVariant(item.variant_id);
        if (!found) return v3Error(res, 422, 'Variant not found', { [`items.${i}.variant_id`]: 'not found' });
        if (found.product.inventory_tracking === 'none') return v3Error(res, 422, 'Inventory is not tracked for this product', { [`items.${i}`]: 'not tracked' });
        if (found.variant.inventory_level + (quantity as number) < 0) return v3Error(res, 422, 'Inventory level cannot be negative', { [`items.${i}.quantity`]: 'below zero' });
        plan.push(() => state.setStock(found.variant.id, found.variant.inventory_level + (quantity as number)));
      } else if (typeof item.product_id === 'number') {
        const product = findProduct(item.product_id);
        if (!product) return v3Error(res, 422, 'Product not found', { [`items.${i}.product_id`]: 'not found' });
        if (product.inventory_tracking !== 'product') return v3Error(res, 422, 'Inventory is not tracked by product', { [`items.${i}`]: 'not tracked by product' });
        if (product.inventory_level + (quantity as number) < 0) return v3Error(res, 422, 'Inventory level cannot be negative', { [`items.${i}.quantity`]: 'below zero' });
        plan.push(() => state.setStock({ productId: product.id }, product.inventory_level + (quantity as number)));
      } else {
        return v3Error(res, 422, 'JSON data is missing or invalid', { [`items.${i}`]: 'one of variant_id, product_id or sku is required' });
      }
    }
    for (const apply of plan) apply();
    state.adjustments.push({ reason: typeof body.reason === 'string' ? body.reason : null, items });
    send(res, 200, { transaction_id: `${Date.now().toString(16)}-${state.adjustments.length}` });
  }

  /** PRODUCT items against what is left to refund on each order product; answers the total or refuses. */
  function refundItems(order: StubBcOrder, body: any): { total: number; lines: Array<{ product: StubBcOrderProduct; quantity: number }> } | string {
    const items: any[] = Array.isArray(body?.items) ? body.items : [];
    if (items.length === 0) return 'Items are required';
    const lines = [];
    for (const item of items) {
      const product = order.products.find((p) => p.id === item.item_id);
      if (item.item_type !== 'PRODUCT' || !product) return 'Invalid item';
      if (!Number.isInteger(item.quantity) || item.quantity <= 0 || item.quantity > product.quantity - product.refunded) return 'Quantity exceeds the refundable quantity';
      lines.push({ product, quantity: item.quantity as number });
    }
    return { total: round2(lines.reduce((n, l) => n + Number(l.product.price_inc_tax) * l.quantity, 0)), lines };
  }

  function refundQuote(res: ServerResponse, order: StubBcOrder, body: any) {
    const items = refundItems(order, body);
    if (typeof items === 'string') return v3Error(res, 422, items);
    // Each payment can take the money back as paid; the merchant may always record it as a manual (offline) refund instead.
    const methods = [
      order.payments.map((p) => ({ provider_id: p.provider_id, provider_description: p.provider_description, amount: items.total, offline: p.offline, offline_provider: p.offline, offline_reason: p.offline ? 'This payment was made offline' : '' })),
      [{ provider_id: 'custom', provider_description: 'Manual refund', amount: items.total, offline: true, offline_provider: true, offline_reason: '' }],
    ];
    send(res, 201, { data: { order_id: order.id, total_refund_amount: items.total, total_refund_tax_amount: 0, rounding: 0, adjustment: 0, is_tax_included: true, order_level_refund_amount: 0, refund_methods: methods }, meta: {} });
  }

  function createRefund(res: ServerResponse, order: StubBcOrder, body: any) {
    const items = refundItems(order, body);
    if (typeof items === 'string') return v3Error(res, 422, items);
    if (state.refuseRefunds) return v3Error(res, 422, 'The payment provider declined the refund');
    const payments: any[] = Array.isArray(body?.payments) ? body.payments : [];
    const paid = round2(payments.reduce((n, p) => n + Number(p.amount), 0));
    if (payments.length === 0 || paid > items.total) return v3Error(res, 422, 'Refund amount is greater than the refundable amount');
    for (const p of payments) {
      if (!p.offline && !order.payments.some((o) => o.provider_id === p.provider_id && !o.offline)) return v3Error(res, 422, 'Payment provider not found on the order');
    }
    for (const l of items.lines) l.product.refunded += l.quantity;
    const whole = order.products.every((p) => p.refunded >= p.quantity);
    state.setOrderStatus(order.id, whole ? 4 : 14);
    const refund: StubBcRefund = {
      id: nextRefund++,
      order_id: order.id,
      user_id: 0,
      created: new Date().toISOString(),
      reason: typeof body.reason === 'string' ? body.reason : '',
      total_amount: paid,
      total_tax: 0,
      items: items.lines.map((l) => ({ item_type: 'PRODUCT', item_id: l.product.id, quantity: l.quantity, requested_amount: null, reason: '' })),
      payments: payments.map((p) => ({ id: nextRefundPayment++, provider_id: String(p.provider_id), amount: Number(p.amount), offline: Boolean(p.offline), is_declined: false, declined_message: '' })),
    };
    order.refunds.push(refund);
    state.refunds.push(refund);
    send(res, 201, { data: refund, meta: {} });
  }

  /** The destination must be https on port 443, as BigCommerce requires. */
  function createHook(res: ServerResponse, body: any) {
    const destination = String(body?.destination ?? '');
    if (typeof body?.scope !== 'string' || !body.scope.startsWith('store/')) return v3Error(res, 422, 'JSON data is missing or invalid', { scope: 'error.path.missing' });
    if (!/^https:\/\/[^/:]+(:443)?(\/|$)/.test(destination)) return v3Error(res, 422, 'JSON data is missing or invalid', { destination: 'must be https on port 443' });
    const now = Math.floor(Date.now() / 1000);
    const hook: StubBcHook = {
      id: nextHook++,
      client_id: 'stub-client-id',
      store_hash: state.storeHash,
      scope: body.scope,
      destination,
      is_active: body.is_active ?? true,
      events_history_enabled: body.events_history_enabled ?? false,
      headers: body.headers ?? null,
      created_at: now,
      updated_at: now,
    };
    state.webhooks.push(hook);
    send(res, 200, { data: hook, meta: {} });
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
