import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local WooCommerce store answering like WordPress's REST index and WooCommerce's REST API v3, over plain
 * http, so every request must be signed with OAuth 1.0a as WooCommerce checks it
 * (WC_REST_Authentication::check_oauth_signature: HMAC-SHA1/SHA256, key `secret&`, nonce used once,
 * timestamp within 15 minutes); Basic auth is ignored over http, as WooCommerce only honours it over SSL.
 * - GET /wp-json/ (public): https://developer.wordpress.org/rest-api/using-the-rest-api/discovery/
 * - GET /wp-json/wc/v3/settings/general: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-settings-options
 * - GET /products (per_page, page, include, orderby=id, order), GET|PUT /products/{id}, GET /products/{id}/variations,
 *   GET|PUT /products/{id}/variations/{id}: https://woocommerce.github.io/woocommerce-rest-api-docs/#products
 * - POST /webhooks, DELETE /webhooks/{id}?force=true: https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
 * - GET /orders/{id}, GET|POST /orders/{id}/refunds: https://woocommerce.github.io/woocommerce-rest-api-docs/#orders
 * Lists carry X-WP-Total and X-WP-TotalPages; errors are WP_Error bodies {code, message, data: {status}}.
 */

export interface WooStubImage {
  id: number;
  src: string;
  name: string;
  alt: string;
}
export type WooStockStatus = 'instock' | 'outofstock' | 'onbackorder';
/** A managed count's status, as WooCommerce derives it (backorders not allowed). */
const countedStatus = (quantity: number | null): WooStockStatus => ((quantity ?? 0) > 0 ? 'instock' : 'outofstock');

export interface WooStubVariation {
  id: number;
  sku: string;
  /** Money as WooCommerce writes it: a decimal string. */
  price: string;
  /** 'parent': the product counts this variation's stock. */
  manage_stock: boolean | 'parent';
  stock_quantity: number | null;
  /** What the merchant set by hand for stock that is not managed (default `instock`). */
  stock_status?: WooStockStatus;
  image: WooStubImage | null;
  attributes: Array<{ id: number; name: string; option: string }>;
}
export interface WooStubProduct {
  id: number;
  name: string;
  slug: string;
  type: 'simple' | 'variable' | 'grouped' | 'external';
  status: 'publish' | 'draft' | 'private' | 'trash';
  sku: string;
  price: string;
  manage_stock: boolean;
  stock_quantity: number | null;
  /** What the merchant set by hand for stock that is not managed (default `instock`). */
  stock_status?: WooStockStatus;
  images: WooStubImage[];
  categories: Array<{ id: number; name: string; slug: string }>;
  tags: Array<{ id: number; name: string; slug: string }>;
  /** Only for `variable`. */
  variations: WooStubVariation[];
}
/** An item of the Shipment Tracking extension's `_wc_shipment_tracking_items` order meta. */
export interface WooTrackingItem {
  tracking_provider?: string;
  custom_tracking_provider?: string;
  tracking_number: string;
  custom_tracking_link?: string;
  date_shipped?: string;
}
export interface WooStubLine {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  /** Per unit, a number as WooCommerce answers it on a line. */
  price: number;
  /** Units whose stock the order took (WooCommerce's `_reduced_stock`), given back by a refund. */
  reduced: number;
}
export interface WooStubOrder {
  id: number;
  number: string;
  status: string;
  currency: string;
  date_created_gmt: string;
  date_paid_gmt: string | null;
  billing: { first_name: string; last_name: string; email: string; phone: string };
  meta_data: Array<{ id: number; key: string; value: unknown }>;
  line_items: WooStubLine[];
}
export interface WooStubWebhook {
  id: number;
  name: string;
  topic: string;
  delivery_url: string;
  secret: string;
  status: string;
}
export interface WooStubRefund {
  id: number;
  orderId: number;
  /** Decimal string, as sent. */
  amount: string;
  reason: string;
  refunded_payment: boolean;
  line_items: Array<{ id: number; quantity: number; refund_total: string }>;
  date_created_gmt: string;
}
export interface WooStubRequest {
  method: string;
  /** The path under the site, query left out (/wp-json/wc/v3/products). */
  path: string;
  query: Record<string, string>;
  /** How the request carried a key: Basic (ignored over http), OAuth 1.0a in the query, or none. */
  auth: 'basic' | 'oauth' | 'none';
  body: unknown;
}
export interface WooOrderInput {
  status?: string;
  /** The order number customers see; the id unless a sequential-numbers plugin sets its own. */
  number?: string;
  lines: Array<{ productId: number; variationId?: number; quantity: number; price?: string; name?: string }>;
  email?: string;
  phone?: string;
  currency?: string;
  /** Goes into meta_data as `waitline_hold`. */
  holdToken?: string;
  dateCreated?: Date;
  /** Default: the creation date for a paid status (processing, on-hold, completed), else none. */
  datePaid?: Date | null;
  meta?: Array<{ key: string; value: unknown }>;
}

export interface WooCommerceStub {
  /** http://127.0.0.1:port, plus basePath when WordPress lives under one. */
  url: string;
  site: { name: string; currency: string; home: string };
  consumerKey: string;
  consumerSecret: string;
  /** The key's permission: 'read' answers every write 401 as WooCommerce does for a Read-only key, 'write' every read. */
  permissions: 'read' | 'write' | 'read_write';
  /** False: WordPress without WooCommerce active (no wc/v3 namespace, its routes rest_no_route). */
  woocommerceActive: boolean;
  /** The catalog, in id order; change it freely, or through the helpers. */
  products: WooStubProduct[];
  addSimpleProduct(input?: Partial<Omit<WooStubProduct, 'id' | 'type' | 'variations'>>): WooStubProduct;
  addVariableProduct(
    input: Partial<Omit<WooStubProduct, 'id' | 'type' | 'variations'>>,
    variations: Array<Partial<Omit<WooStubVariation, 'id'>> & { option?: string }>,
  ): WooStubProduct;
  /** Stock "on the platform": a product's or variation's count (a 'parent' variation's goes to its product). */
  setStock(id: number, quantity: number): void;
  /** The count that sells a product or variation (a 'parent' variation's is its product's), null when not counted. */
  stockOf(id: number): number | null;
  /** What GET /products/{id} answers (a product.updated webhook's payload). */
  productJson(id: number): Record<string, unknown>;
  orders: Map<number, WooStubOrder>;
  /** An order as placed on the store (a paid status takes the stock it sells); answers GET /orders/{id}'s JSON. */
  addOrder(input: WooOrderInput): Record<string, unknown>;
  /** Moves an order on (e.g. 'completed', with the Shipment Tracking extension's parcels); answers its JSON. */
  setOrderStatus(id: number, status: string, trackingItems?: WooTrackingItem[]): Record<string, unknown>;
  orderJson(id: number): Record<string, unknown>;
  webhooks: WooStubWebhook[];
  /** What WooCommerce would POST for `topic` to its webhook: the URL, headers (signature included) and body. */
  webhookDelivery(topic: string, payload: unknown): { url: string; headers: Record<string, string>; body: string };
  refunds: WooStubRefund[];
  /** While true, the gateway refuses: POST refunds answers 500 woocommerce_rest_cannot_create_order_refund. */
  refuseRefunds: boolean;
  /** Stock writes made through the API, in order. */
  puts: Array<{ path: string; id: number; stock_quantity: number }>;
  requests: WooStubRequest[];
  /** The next `count` requests answer `status` as a host in front of WordPress would (Retry-After in seconds). */
  failNext(count: number, status: number, retryAfter?: string): void;
  close(): Promise<void>;
}

export interface WooStubOptions {
  consumerKey: string;
  consumerSecret: string;
  name?: string;
  currency?: string;
  /** A path WordPress lives under ('/shop'); the stub's url includes it. */
  basePath?: string;
  /** The store's clock, for OAuth timestamps (default: the machine's). */
  now?: () => Date;
}

const PER_PAGE_MAX = 100;

/** WooCommerce's wc_rest_urlencode_rfc3986: rawurlencode, which leaves only unreserved characters. */
const rawurlencode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const rawurldecode = (s: string) => s.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Mirrors check_oauth_signature step by step (sort by key, encode key and value, encode "k=v", join with %26). */
function expectedSignature(method: string, baseUri: string, params: Record<string, string>, secret: string): string | null {
  const { oauth_signature: _, ...rest } = params;
  const keys = Object.keys(rest).sort();
  const query = keys.map((k) => rawurlencode(`${rawurlencode(k)}=${rawurlencode(rest[k]!)}`)).join('%26');
  const stringToSign = `${method}&${rawurlencode(baseUri)}&${query}`;
  const algorithm = rest.oauth_signature_method === 'HMAC-SHA1' ? 'sha1' : rest.oauth_signature_method === 'HMAC-SHA256' ? 'sha256' : null;
  return algorithm ? createHmac(algorithm, `${secret}&`).update(stringToSign).digest('base64') : null;
}

const gmt = (d: Date) => d.toISOString().slice(0, 19);

class WooHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PAID = new Set(['processing', 'on-hold', 'completed']);

export function generateWooCatalog(count: number, variationsPerVariable = 3, firstId = 1000): WooStubProduct[] {
  const products: WooStubProduct[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    const productId = id++;
    const variable = i % 2 === 1 && variationsPerVariable > 0;
    const base = blankProduct(productId, { name: `Product ${i + 1}`, price: `${10 + (i % 7)}.50`, manage_stock: !variable, stock_quantity: variable ? null : i % 5 });
    if (variable) {
      base.type = 'variable';
      base.variations = Array.from({ length: variationsPerVariable }, (_, v) => ({
        ...blankVariation(id++),
        price: `${20 + v}.00`,
        manage_stock: true,
        stock_quantity: v,
        attributes: [{ id: 1, name: 'Size', option: `Size ${v + 1}` }],
      }));
    }
    products.push(base);
  }
  return products;
}

function blankProduct(id: number, input: Partial<WooStubProduct> = {}): WooStubProduct {
  return {
    id,
    name: `Product ${id}`,
    slug: `product-${id}`,
    type: 'simple',
    status: 'publish',
    sku: '',
    price: '10.00',
    manage_stock: false,
    stock_quantity: null,
    images: [{ id: id * 10, src: `https://shop.example/wp-content/uploads/${id}.jpg`, name: '', alt: '' }],
    categories: [{ id: 15, name: 'Uncategorized', slug: 'uncategorized' }],
    tags: [],
    variations: [],
    ...input,
  };
}

function blankVariation(id: number): WooStubVariation {
  return { id, sku: '', price: '10.00', manage_stock: false, stock_quantity: null, image: null, attributes: [] };
}

export async function startWooCommerceStub(options: WooStubOptions): Promise<WooCommerceStub> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  let nextId = 100;
  let nextLineId = 1;
  let nextMetaId = 1;
  const usedNonces = new Set<string>();
  let failures: Array<{ status: number; retryAfter?: string }> = [];

  const findProduct = (id: number) => stub.products.find((p) => p.id === id) ?? null;
  const findVariation = (id: number) => {
    for (const product of stub.products) {
      const variation = product.variations.find((v) => v.id === id);
      if (variation) return { product, variation };
    }
    return null;
  };

  const permalink = (p: WooStubProduct) => `${stub.site.home}/product/${p.slug}/`;
  const productBody = (p: WooStubProduct) => ({
    id: p.id,
    name: p.name,
    slug: p.slug,
    permalink: permalink(p),
    type: p.type,
    status: p.status,
    sku: p.sku,
    price: p.price,
    regular_price: p.price,
    sale_price: '',
    manage_stock: p.manage_stock,
    stock_quantity: p.manage_stock ? p.stock_quantity : null,
    stock_status: p.manage_stock ? countedStatus(p.stock_quantity) : (p.stock_status ?? 'instock'),
    backorders: 'no',
    parent_id: 0,
    categories: p.categories,
    tags: p.tags,
    images: p.images,
    attributes: [],
    variations: p.variations.map((v) => v.id),
    meta_data: [],
  });
  const variationBody = (p: WooStubProduct, v: WooStubVariation) => ({
    id: v.id,
    parent_id: p.id,
    permalink: `${permalink(p)}?${v.attributes.map((a) => `attribute_${a.name.toLowerCase()}=${encodeURIComponent(a.option)}`).join('&')}`,
    sku: v.sku,
    price: v.price,
    regular_price: v.price,
    manage_stock: v.manage_stock,
    stock_quantity: v.manage_stock === true ? v.stock_quantity : v.manage_stock === 'parent' ? p.stock_quantity : null,
    stock_status:
      v.manage_stock === true ? countedStatus(v.stock_quantity) : v.manage_stock === 'parent' && p.manage_stock ? countedStatus(p.stock_quantity) : (v.stock_status ?? 'instock'),
    image: v.image,
    attributes: v.attributes,
    meta_data: [],
  });
  /** GET /products/{id} of a variation answers it as a product of type 'variation'. */
  const variationAsProduct = (p: WooStubProduct, v: WooStubVariation) => ({
    ...productBody(p),
    ...variationBody(p, v),
    name: `${p.name} - ${v.attributes.map((a) => a.option).join(', ')}`,
    type: 'variation',
    images: v.image ? [v.image] : [],
    variations: [],
  });

  const lineBody = (l: WooStubLine) => ({
    id: l.id,
    name: l.name,
    product_id: l.product_id,
    variation_id: l.variation_id,
    quantity: l.quantity,
    subtotal: (l.price * l.quantity).toFixed(2),
    total: (l.price * l.quantity).toFixed(2),
    price: l.price,
    meta_data: [],
  });
  const orderTotal = (o: WooStubOrder) => o.line_items.reduce((sum, l) => sum + Math.round(l.price * 100) * l.quantity, 0);
  const refundedOf = (id: number) => stub.refunds.filter((r) => r.orderId === id).reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0);
  const orderBody = (o: WooStubOrder) => ({
    id: o.id,
    parent_id: 0,
    number: o.number,
    order_key: `wc_order_${o.id}`,
    status: o.status,
    currency: o.currency,
    date_created: o.date_created_gmt,
    date_created_gmt: o.date_created_gmt,
    date_paid: o.date_paid_gmt,
    date_paid_gmt: o.date_paid_gmt,
    total: (orderTotal(o) / 100).toFixed(2),
    billing: o.billing,
    meta_data: o.meta_data,
    line_items: o.line_items.map(lineBody),
    refunds: stub.refunds.filter((r) => r.orderId === o.id).map((r) => ({ id: r.id, reason: r.reason, total: `-${r.amount}` })),
  });
  const refundBody = (r: WooStubRefund) => ({
    id: r.id,
    date_created: r.date_created_gmt,
    date_created_gmt: r.date_created_gmt,
    amount: r.amount,
    reason: r.reason,
    refunded_by: 1,
    refunded_payment: r.refunded_payment,
    meta_data: [],
    line_items: r.line_items.map((l) => ({ id: nextLineId++, refunded_item_id: l.id, quantity: -l.quantity, total: `-${l.refund_total}` })),
  });

  /** The count that sells `id`: a 'parent' variation's lives on its product. */
  function stockHolder(id: number): { manage_stock: boolean | 'parent'; stock_quantity: number | null } | null {
    const found = findVariation(id);
    if (found) return found.variation.manage_stock === 'parent' ? found.product : found.variation;
    return findProduct(id);
  }
  const moveStock = (id: number, by: number) => {
    const holder = stockHolder(id);
    if (holder?.manage_stock === true) holder.stock_quantity = (holder.stock_quantity ?? 0) + by;
    return holder?.manage_stock === true;
  };

  function order(id: number) {
    const o = stub.orders.get(id);
    if (!o) throw new Error(`no stub order ${id}`);
    return o;
  }
  /** WooCommerce takes an order's stock when it reaches a paid status (wc_maybe_reduce_stock_levels). */
  function reduceStock(o: WooStubOrder) {
    if (!PAID.has(o.status)) return;
    for (const l of o.line_items) {
      if (l.reduced === 0 && moveStock(l.variation_id || l.product_id, -l.quantity)) l.reduced = l.quantity;
    }
  }

  const stub: WooCommerceStub = {
    url: '',
    site: { name: options.name ?? 'Stub Woo Store', currency: options.currency ?? 'EUR', home: '' },
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    permissions: 'read_write',
    woocommerceActive: true,
    products: [],
    addSimpleProduct(input = {}) {
      const product = blankProduct(nextId++, input);
      stub.products.push(product);
      return product;
    },
    addVariableProduct(input, variations) {
      const product = blankProduct(nextId++, { ...input, type: 'variable' });
      product.variations = variations.map(({ option, ...v }) => ({
        ...blankVariation(nextId++),
        ...(option !== undefined ? { attributes: [{ id: 1, name: 'Size', option }] } : {}),
        ...v,
      }));
      stub.products.push(product);
      return product;
    },
    setStock(id, quantity) {
      const holder = stockHolder(id);
      if (!holder) throw new Error(`no stub product or variation ${id}`);
      holder.manage_stock = true;
      holder.stock_quantity = quantity;
    },
    stockOf(id) {
      const holder = stockHolder(id);
      return holder?.manage_stock === true ? holder.stock_quantity : null;
    },
    productJson(id) {
      const product = findProduct(id);
      if (product) return productBody(product);
      const found = findVariation(id);
      if (found) return variationAsProduct(found.product, found.variation);
      throw new Error(`no stub product ${id}`);
    },
    orders: new Map(),
    addOrder(input) {
      const id = nextId++;
      const status = input.status ?? 'processing';
      const created = input.dateCreated ?? now();
      const paid = input.datePaid !== undefined ? input.datePaid : PAID.has(status) ? created : null;
      const o: WooStubOrder = {
        id,
        number: input.number ?? String(id),
        status,
        currency: input.currency ?? stub.site.currency,
        date_created_gmt: gmt(created),
        date_paid_gmt: paid ? gmt(paid) : null,
        billing: { first_name: 'Ada', last_name: 'Lovelace', email: input.email ?? '', phone: input.phone ?? '' },
        meta_data: [
          ...(input.holdToken ? [{ id: nextMetaId++, key: 'waitline_hold', value: input.holdToken }] : []),
          ...(input.meta ?? []).map((m) => ({ id: nextMetaId++, ...m })),
        ],
        line_items: input.lines.map((l) => {
          const holder = l.variationId ? findVariation(l.variationId)?.variation : findProduct(l.productId);
          return {
            id: nextLineId++,
            name: l.name ?? findProduct(l.productId)?.name ?? `Product ${l.productId}`,
            product_id: l.productId,
            variation_id: l.variationId ?? 0,
            quantity: l.quantity,
            price: Number(l.price ?? holder?.price ?? '0'),
            reduced: 0,
          };
        }),
      };
      stub.orders.set(id, o);
      reduceStock(o);
      return orderBody(o);
    },
    setOrderStatus(id, status, trackingItems) {
      const o = order(id);
      o.status = status;
      if (PAID.has(status) && !o.date_paid_gmt) o.date_paid_gmt = gmt(now());
      if (trackingItems) {
        o.meta_data = o.meta_data.filter((m) => m.key !== '_wc_shipment_tracking_items');
        o.meta_data.push({ id: nextMetaId++, key: '_wc_shipment_tracking_items', value: trackingItems });
      }
      reduceStock(o);
      return orderBody(o);
    },
    orderJson: (id) => orderBody(order(id)),
    webhooks: [],
    webhookDelivery(topic, payload) {
      const hook = stub.webhooks.find((w) => w.topic === topic);
      if (!hook) throw new Error(`no stub webhook for ${topic}`);
      const body = JSON.stringify(payload);
      const [resource, event] = topic.split('.') as [string, string];
      return {
        url: hook.delivery_url,
        body,
        headers: {
          'content-type': 'application/json',
          'x-wc-webhook-source': `${stub.site.home}/`,
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-resource': resource,
          'x-wc-webhook-event': event,
          'x-wc-webhook-signature': createHmac('sha256', hook.secret).update(body).digest('base64'),
          'x-wc-webhook-id': String(hook.id),
          'x-wc-webhook-delivery-id': String(nextId++),
        },
      };
    },
    refunds: [],
    refuseRefunds: false,
    puts: [],
    requests: [],
    failNext(count, status, retryAfter) {
      failures = Array.from({ length: count }, () => ({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  /** Who the request authenticates as, or the WP_Error WooCommerce answers for a failed attempt. */
  function authenticate(method: string, sitePath: string, query: Record<string, string>): boolean {
    const oauth = Object.keys(query).filter((k) => k.startsWith('oauth_'));
    if (oauth.length === 0) return false;
    const missing = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'].filter((k) => !query[k]);
    if (missing.length > 0) throw new WooHttpError(401, 'woocommerce_rest_authentication_missing_parameter', `Missing OAuth parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    if (query.oauth_consumer_key !== stub.consumerKey) throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    const expected = expectedSignature(method, `${stub.site.home}${sitePath}`, query, stub.consumerSecret);
    if (!expected) throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'Invalid signature - signature method is invalid.');
    const given = Buffer.from(rawurldecode(query.oauth_signature!.replace(/ /g, '+')));
    if (given.length !== Buffer.byteLength(expected) || !timingSafeEqual(given, Buffer.from(expected))) {
      throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.');
    }
    const timestamp = Number(query.oauth_timestamp);
    if (!(Math.abs(timestamp - now().getTime() / 1000) <= 15 * 60)) throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'Invalid timestamp.');
    if (usedNonces.has(query.oauth_nonce!)) throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'Invalid nonce - nonce has already been used.');
    usedNonces.add(query.oauth_nonce!);
    return true;
  }

  /** What a request without a (valid) key is told by the route's permission check. */
  function notAllowed(method: string, collection: boolean): never {
    if (method === 'POST') throw new WooHttpError(401, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.');
    if (method === 'PUT') throw new WooHttpError(401, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
    if (method === 'DELETE') throw new WooHttpError(401, 'woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.');
    throw new WooHttpError(401, 'woocommerce_rest_cannot_view', collection ? 'Sorry, you cannot list resources.' : 'Sorry, you cannot view this resource.');
  }

  function page<T>(items: T[], query: Record<string, string>, res: ServerResponse): T[] {
    const perPage = query.per_page === undefined ? 10 : Number(query.per_page);
    const pageNo = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > PER_PAGE_MAX) throw new WooHttpError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
    if (!Number.isInteger(pageNo) || pageNo < 1) throw new WooHttpError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
    res.setHeader('X-WP-Total', String(items.length));
    res.setHeader('X-WP-TotalPages', String(Math.ceil(items.length / perPage)));
    return items.slice((pageNo - 1) * perPage, pageNo * perPage);
  }

  const included = (query: Record<string, string>) => (query.include ? new Set(query.include.split(',').map(Number)) : null);

  function route(method: string, path: string, query: Record<string, string>, body: any, authed: boolean, res: ServerResponse): [number, unknown] {
    const seg = path.split('/').filter(Boolean);
    const noRoute = () => new WooHttpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    const need = (collection: boolean) => {
      if (!authed) notAllowed(method, collection);
    };
    const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : NaN);

    if (seg[0] === 'settings' && seg[1] === 'general' && seg.length === 2 && method === 'GET') {
      need(true);
      return [
        200,
        [
          { id: 'woocommerce_store_address', label: 'Address line 1', type: 'text', value: '1 Stub Street' },
          { id: 'woocommerce_currency', label: 'Currency', type: 'select', value: stub.site.currency },
          { id: 'woocommerce_price_num_decimals', label: 'Number of decimals', type: 'number', value: '2' },
        ],
      ];
    }
    if (seg[0] === 'products') {
      const pid = num(seg[1]);
      if (seg.length === 1 && method === 'GET') {
        need(true);
        const include = included(query);
        // Every order the client asks for (orderby=id) is by id; the stub keeps no dates to order by.
        const list = stub.products.filter((p) => p.status !== 'trash' && (!include || include.has(p.id))).sort((a, b) => (a.id - b.id) * (query.order === 'desc' ? -1 : 1));
        return [200, page(list, query, res).map(productBody)];
      }
      if (seg.length === 2 && (method === 'GET' || method === 'PUT')) {
        need(false);
        const product = findProduct(pid);
        const found = product ? null : findVariation(pid);
        if (!product && !found) throw new WooHttpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
        if (method === 'PUT') writeStock(path, pid, product ?? found!.variation, body);
        return [200, product ? productBody(product) : variationAsProduct(found!.product, found!.variation)];
      }
      if (seg[2] === 'variations') {
        const product = findProduct(pid);
        if (seg.length === 3 && method === 'GET') {
          need(true);
          if (!product) throw new WooHttpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
          const include = included(query);
          return [200, page(product.variations.filter((v) => !include || include.has(v.id)), query, res).map((v) => variationBody(product, v))];
        }
        if (seg.length === 4 && (method === 'GET' || method === 'PUT')) {
          need(false);
          const variation = product?.variations.find((v) => v.id === num(seg[3]));
          if (!product || !variation) throw new WooHttpError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
          if (method === 'PUT') writeStock(path, variation.id, variation, body);
          return [200, variationBody(product, variation)];
        }
      }
      throw noRoute();
    }
    if (seg[0] === 'webhooks') {
      if (seg.length === 1 && method === 'POST') {
        need(true);
        const topics = ['product.updated', 'product.created', 'product.deleted', 'order.created', 'order.updated', 'order.deleted'];
        if (typeof body?.topic !== 'string' || !topics.includes(body.topic)) throw new WooHttpError(400, 'rest_invalid_param', 'Invalid parameter(s): topic');
        if (typeof body.delivery_url !== 'string' || !/^https?:\/\//.test(body.delivery_url)) throw new WooHttpError(400, 'rest_invalid_param', 'Invalid parameter(s): delivery_url');
        const hook: WooStubWebhook = { id: nextId++, name: String(body.name ?? ''), topic: body.topic, delivery_url: body.delivery_url, secret: String(body.secret ?? ''), status: String(body.status ?? 'active') };
        stub.webhooks.push(hook);
        const [resource, event] = hook.topic.split('.');
        return [201, { id: hook.id, name: hook.name, status: hook.status, topic: hook.topic, resource, event, hooks: [], delivery_url: hook.delivery_url, date_created_gmt: gmt(now()) }];
      }
      if (seg.length === 2 && method === 'DELETE') {
        need(false);
        const at = stub.webhooks.findIndex((w) => w.id === num(seg[1]));
        if (at < 0) throw new WooHttpError(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
        if (query.force !== 'true' && query.force !== '1') throw new WooHttpError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
        const [hook] = stub.webhooks.splice(at, 1);
        return [200, { id: hook!.id, name: hook!.name, status: hook!.status, topic: hook!.topic, delivery_url: hook!.delivery_url }];
      }
      throw noRoute();
    }
    if (seg[0] === 'orders') {
      const o = stub.orders.get(num(seg[1]));
      if (seg.length === 2 && method === 'GET') {
        need(false);
        if (!o) throw new WooHttpError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
        return [200, orderBody(o)];
      }
      if (seg.length === 3 && seg[2] === 'refunds' && method === 'GET') {
        need(true);
        if (!o) throw new WooHttpError(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
        return [200, page(stub.refunds.filter((r) => r.orderId === o.id).reverse(), query, res).map(refundBody)];
      }
      if (seg.length === 3 && seg[2] === 'refunds' && method === 'POST') {
        need(true);
        if (!o) throw new WooHttpError(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
        return [201, createRefund(o, body)];
      }
      throw noRoute();
    }
    throw noRoute();
  }

  function writeStock(path: string, id: number, target: { manage_stock: boolean | 'parent'; stock_quantity: number | null }, body: any) {
    if (body?.manage_stock !== undefined) target.manage_stock = body.manage_stock;
    if (body?.stock_quantity !== undefined) {
      if (!Number.isInteger(body.stock_quantity)) throw new WooHttpError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity');
      // WooCommerce saves the count only where stock is managed.
      if (target.manage_stock === true) {
        target.stock_quantity = body.stock_quantity;
        stub.puts.push({ path: `/wp-json/wc/v3${path}`, id, stock_quantity: body.stock_quantity });
      }
    }
  }

  /** wc_create_refund through the REST controller: errors as it answers them, the units put back (restock_items). */
  function createRefund(o: WooStubOrder, body: any) {
    const amount = Math.round(Number(body?.amount ?? 0) * 100);
    if (!(amount > 0)) throw new WooHttpError(400, 'woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.');
    if (amount > orderTotal(o) - refundedOf(o.id)) throw new WooHttpError(500, 'woocommerce_rest_cannot_create_order_refund', 'Invalid refund amount.');
    const lines: WooStubRefund['line_items'] = Array.isArray(body.line_items) ? body.line_items : [];
    for (const l of lines) {
      if (!o.line_items.some((item) => item.id === Number(l.id))) throw new WooHttpError(500, 'woocommerce_rest_cannot_create_order_refund', 'Invalid line item.');
    }
    if (body.api_refund !== false && stub.refuseRefunds) {
      throw new WooHttpError(500, 'woocommerce_rest_cannot_create_order_refund', 'Refund failed: the payment gateway declined it.');
    }
    const refund: WooStubRefund = {
      id: nextId++,
      orderId: o.id,
      amount: (amount / 100).toFixed(2),
      reason: String(body.reason ?? ''),
      refunded_payment: body.api_refund !== false,
      line_items: lines.map((l) => ({ id: Number(l.id), quantity: Number(l.quantity ?? 0), refund_total: String(l.refund_total ?? '0') })),
      date_created_gmt: gmt(now()),
    };
    stub.refunds.push(refund);
    for (const l of refund.line_items) {
      const item = o.line_items.find((i) => i.id === l.id)!;
      const back = Math.min(l.quantity, item.reduced);
      if (back > 0 && moveStock(item.variation_id || item.product_id, back)) item.reduced -= back;
    }
    if (refundedOf(o.id) >= orderTotal(o)) o.status = 'refunded';
    return refundBody(refund);
  }

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = Object.fromEntries(url.searchParams);
    const authorization = req.headers.authorization ?? '';
    const auth = authorization.startsWith('Basic ') ? 'basic' : Object.keys(query).some((k) => k.startsWith('oauth_')) ? 'oauth' : 'none';
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const sitePath = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null;
    stub.requests.push({ method, path: sitePath ?? url.pathname, query, auth, body });

    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'text/html', ...(failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {}) });
      res.end('<html><body>The server is busy</body></html>');
      return;
    }
    if (sitePath === '/wp-json/' || sitePath === '/wp-json') {
      send(res, 200, {
        name: stub.site.name,
        description: 'Just another WordPress site',
        url: stub.site.home,
        home: stub.site.home,
        gmt_offset: 0,
        timezone_string: '',
        namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1', ...(stub.woocommerceActive ? ['wc/store/v1', 'wc/v1', 'wc/v2', 'wc/v3'] : [])],
        authentication: [],
        routes: {},
      });
      return;
    }
    if (!sitePath?.startsWith('/wp-json/')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Page not found</body></html>');
      return;
    }
    try {
      if (!stub.woocommerceActive || !sitePath.startsWith('/wp-json/wc/v3/')) throw new WooHttpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      // rest_authentication_errors: a failed key stops the request before its route is looked at.
      const authed = authenticate(method, sitePath, query);
      // rest_pre_dispatch (check_user_permissions): a Read-only key may not write anywhere.
      if (authed && method !== 'GET' && stub.permissions === 'read') {
        throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
      }
      if (authed && method === 'GET' && stub.permissions === 'write') {
        throw new WooHttpError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
      }
      const [status, answer] = route(method, sitePath.slice('/wp-json/wc/v3'.length), query, body, authed, res);
      send(res, status, answer);
    } catch (error) {
      if (!(error instanceof WooHttpError)) throw error;
      send(res, error.status, { code: error.code, message: error.message, data: { status: error.status } });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`;
  stub.site.home = stub.url;
  return stub;
}
