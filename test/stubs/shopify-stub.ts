import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SHOPIFY_API_VERSION } from '../../server/platforms/shopify/http.ts';

/**
 * A local Shopify store answering like the Admin API (SHOPIFY_API_VERSION), with the real payload shapes:
 * - POST /admin/oauth/access_token: the client credentials and authorization-code grants
 *   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 *   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 * - POST /admin/api/{version}/graphql.json: shop, currentAppInstallation, products, productVariantsCount,
 *   webhookSubscriptions, webhookSubscriptionCreate/Delete, nodes(ids) of InventoryItem and
 *   inventoryMoveQuantities (available ⇄ reserved, with @idempotent), order(id) with suggestedRefund, and
 *   refundCreate (with @idempotent), bulkOperationRunQuery and bulkOperation(id)/node(id) of the catalog
 *   export, each answer with extensions.cost, and THROTTLED when the cost bucket cannot hold the query.
 * - GET /bulk-operations/{id}.jsonl: a completed export's file, streamed (`bulk` controls it).
 *   https://shopify.dev/docs/api/usage/bulk-operations/queries
 *   https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 * It matches operations by their root fields and does not parse GraphQL.
 */

export interface StubVariant {
  id: string;
  title: string;
  /** Money, as Shopify writes it: a decimal string. */
  price: string;
  sku: string | null;
  inventoryItemId: string;
  inventoryQuantity: number;
  imageUrl: string | null;
}
export interface StubProduct {
  id: string;
  title: string;
  handle: string;
  productType: string;
  tags: string[];
  imageUrl: string | null;
  variants: StubVariant[];
}
export interface StubWebhook {
  id: string;
  topic: string;
  uri: string;
  format: string;
}
export interface StubRequest {
  path: string;
  token: string | undefined;
  /** The GraphQL root fields asked for (e.g. "products"), or the grant type on the token endpoint. */
  operation: string;
  query: string;
  ids: string[];
}

/** The two quantity states the stub keeps per (inventory item, location). */
export interface StubQuantities {
  available: number;
  reserved: number;
}
/** One inventoryMoveQuantities that moved stock (replays and refusals are not logged). */
export interface StubMove {
  key: string;
  input: Record<string, any>;
}

/** A line of a stub order; `price` is the unit price, a decimal string. */
export interface StubOrderLine {
  id: string;
  variantId: string | null;
  quantity: number;
  price: string;
  /** Units shipped already (0 unless given). */
  fulfilled?: number;
}
/** A payment transaction on an order, amounts as decimal strings. */
export interface StubTransaction {
  id: string;
  kind: 'SALE' | 'CAPTURE' | 'AUTHORIZATION' | 'REFUND';
  status: 'SUCCESS' | 'FAILURE' | 'PENDING';
  gateway: string;
  amount: string;
  parentId: string | null;
}
export interface StubRefund {
  id: string;
  note: string | null;
  createdAt: string;
  lineItems: Array<{ lineItemId: string; quantity: number; restockType: string }>;
  transactionIds: string[];
}
export interface StubOrder {
  id: string;
  name: string;
  currencyCode: string;
  lineItems: Array<StubOrderLine & { fulfilled: number; refunded: number; cancelled: number }>;
  transactions: StubTransaction[];
  refunds: StubRefund[];
}
/** One refundCreate that refunded: the refund's numeric id, the key and the input sent. */
export interface StubRefundMade {
  id: string;
  key: string;
  input: Record<string, any>;
}
export interface StubOrderInput {
  id: string;
  name: string;
  currencyCode: string;
  lineItems: StubOrderLine[];
  /** Default: one successful SALE of the order's total through shopify_payments. */
  transactions?: Array<Omit<StubTransaction, 'parentId'> & { parentId?: string | null }>;
}

/** One bulkOperationRunQuery the stub accepted. */
export interface StubBulkOperation {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  /** Polls of bulkOperation(id)/node(id) so far. */
  polls: number;
  errorCode: string | null;
  /** The bulk query and the groupObjects argument as sent. */
  query: string;
  groupObjects: boolean | null;
}
export interface StubBulk {
  /** The poll that sees an operation COMPLETED (default 2: the first sees RUNNING). */
  pollsToComplete: number;
  /** When set (e.g. 'INTERNAL_SERVER_ERROR'), an operation ends FAILED with this errorCode and no file. */
  fail: string | null;
  /** When set, the next download is cut off (the connection dropped) after this many lines; once. */
  cutAfterLines: number | null;
  /** Export file downloads begun. */
  downloads: number;
  /** Every operation started, in order. */
  operations: StubBulkOperation[];
}

export interface ShopifyStub {
  url: string;
  /** `available` per inventory item id, per location id; change it to simulate the store. */
  levels: Map<string, Record<string, number>>;
  /** `reserved` per inventory item id, per location id (set aside, not for sale, still on hand). */
  reservedLevels: Map<string, Record<string, number>>;
  /** Every inventoryMoveQuantities that moved stock, in order. */
  moves: StubMove[];
  /** Idempotency keys the store treats as still being worked on: IDEMPOTENCY_CONCURRENT_REQUEST. */
  keysInProgress: Set<string>;
  setQuantities(itemId: string, locationId: string, quantities: Partial<StubQuantities>): void;
  quantities(itemId: string, locationId: string): StubQuantities;
  /**
   * A storefront checkout (or quick-add) of a product that does not continue selling when out of
   * stock: it succeeds, taking `qty` from available, only while available holds it.
   */
  purchase(itemId: string, locationId: string, qty: number): boolean;
  /** Admin API access tokens the store accepts; the grants add the ones they issue. */
  tokens: Set<string>;
  client: { id: string; secret: string };
  /** Authorization codes the install callback may exchange, each once. */
  codes: Set<string>;
  scopes: string[];
  shop: { name: string; myshopifyDomain: string; primaryDomainUrl: string; currencyCode: string };
  /** The catalog, oldest first; `generateCatalog` makes large ones. */
  products: StubProduct[];
  webhooks: StubWebhook[];
  throttle: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
  requests: StubRequest[];
  /** True while injected failures are queued; setting true queues one 503, false clears them all. */
  failNext: boolean;
  /** The next `count` requests answer `status` (429 carries Retry-After: `retryAfter` seconds). */
  fail(count: number, status: number, retryAfter?: string): void;
  /**
   * While true, an inventoryMoveQuantities is done (and logged in `moves`) but never answered: the
   * store committed it and the caller never hears back, as when the caller dies mid-request.
   */
  stallMoves: boolean;
  /** Orders by numeric id; `addOrder` makes them. Refunds are recorded on them. */
  orders: Map<string, StubOrder>;
  addOrder(order: StubOrderInput): StubOrder;
  /** Every refundCreate that refunded, in order (replays and refusals are not logged). */
  refundsMade: StubRefundMade[];
  /** While true, a refundCreate is done (recorded, logged in `refundsMade`) but never answered, as `stallMoves`. */
  stallRefunds: boolean;
  /**
   * The catalog export: one bulk query at a time (a second while one runs is OPERATION_IN_PROGRESS),
   * CREATED → RUNNING → COMPLETED as it is polled, its file the JSONL of `products` when downloaded.
   */
  bulk: StubBulk;
  /** Moves the stub's time on, refilling the cost bucket as that much waiting would. */
  elapse(ms: number): void;
  close(): Promise<void>;
}

/**
 * `count` variants, `perProduct` to a product (the last product takes the rest), ids ascending like
 * Shopify's. Products have a featured image; one-variant products are titled "Default Title".
 */
export function generateCatalog(count: number, perProduct = 3, firstId = 8_000_000_000_000): StubProduct[] {
  const products: StubProduct[] = [];
  for (let made = 0, p = 0; made < count; p++) {
    const n = Math.min(perProduct, count - made);
    const id = String(firstId + p);
    products.push({
      id,
      title: `Product ${p + 1}`,
      handle: `product-${p + 1}`,
      productType: p % 2 ? 'Shoes' : '',
      tags: p % 3 ? ['sale'] : [],
      imageUrl: `https://cdn.shopify.com/s/files/1/0000/0001/products/p${p + 1}.jpg`,
      variants: Array.from({ length: n }, (_, i) => ({
        id: String(firstId * 5 + made + i),
        title: n === 1 ? 'Default Title' : `Size ${i + 1}`,
        price: `${10 + (i % 5)}.99`,
        sku: i % 2 ? null : `SKU-${made + i}`,
        inventoryItemId: String(firstId * 6 + made + i),
        inventoryQuantity: (made + i) % 7,
        imageUrl: i === 0 ? null : `https://cdn.shopify.com/s/files/1/0000/0001/variants/v${made + i}.jpg`,
      })),
    });
    made += n;
  }
  return products;
}

/** Only the version the client asks for: a request to another one is a 404, as for a version Shopify never had. */
const GRAPHQL_PATH = new RegExp(`^/admin/api/${SHOPIFY_API_VERSION}/graphql\\.json$`);
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));

/** A variant as the Admin API's ProductVariant answers it (pages, `product(id:)` and the bulk export alike). */
const variantNode = (x: StubVariant) => ({
  id: `gid://shopify/ProductVariant/${x.id}`,
  title: x.title,
  price: x.price,
  sku: x.sku,
  inventoryQuantity: x.inventoryQuantity,
  inventoryItem: { id: `gid://shopify/InventoryItem/${x.inventoryItemId}` },
  image: x.imageUrl ? { url: x.imageUrl } : null,
});

/** The top-level field names of a query or mutation: enough to route it, without parsing GraphQL. */
export function rootFields(query: string): string[] {
  const fields: string[] = [];
  const start = query.indexOf('{');
  let depth = 0;
  let parens = 0;
  for (let i = start; i >= 0 && i < query.length; i++) {
    const c = query[i]!;
    if (c === '(') parens++;
    else if (c === ')') parens--;
    else if (parens > 0) continue;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 1 && /[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(query[i - 1] ?? ' ')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i))![0];
      // A directive (@idempotent) qualifies the field before it; it is not a field.
      if (query[i - 1] !== '@') fields.push(name);
      i += name.length - 1;
    }
  }
  return fields;
}

/**
 * What each root field costs before it runs (connections: 2 + first × each node's objects) and
 * after (the objects really returned): Shopify takes the first, then refunds the difference.
 * A query asking for more than MAX_QUERY_COST is refused before it runs.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
const MAX_QUERY_COST = 1000;
const PRODUCT_OBJECTS = 4; // product, featuredMedia, preview, image
const VARIANT_OBJECTS = 3; // variant, inventoryItem, image
const INVENTORY_ITEM_OBJECTS = 1 + 2 + 50 * 3; // item, inventoryLevels(first: 50) of level, location, quantities
const requestedCost: Record<string, (v: Record<string, any>, query: string) => number> = {
  shop: () => 2,
  currentAppInstallation: () => 2,
  products: (v) => 2 + Number(v.first ?? 0) * (PRODUCT_OBJECTS + 2 + 100 * VARIANT_OBJECTS),
  productVariantsCount: () => 1,
  product: () => 1 + 2 + 100 * VARIANT_OBJECTS,
  webhookSubscriptions: () => 2 + 100,
  webhookSubscriptionCreate: () => 10,
  webhookSubscriptionDelete: () => 10,
  nodes: (v) => (v.ids?.length ?? 0) * INVENTORY_ITEM_OBJECTS,
  inventoryMoveQuantities: () => 10,
  // Roughly: the order, and two objects for every node each `first:` in the query may answer.
  order: (_, query) => 1 + [...query.matchAll(/first:\s*(\d+)/g)].reduce((n, m) => n + 2 * Number(m[1]), 0),
  refundCreate: () => 10,
  bulkOperationRunQuery: () => 10,
  bulkOperation: () => 1,
  node: () => 1,
};

type Resolved = { data: unknown; cost: number } | { error: { message: string; extensions?: Record<string, unknown> } };

/**
 * The quantity names inventoryMoveQuantities accepts, and the reasons Shopify lists.
 * https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps#inventory-states
 * https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states
 */
const STUB_QUANTITY_NAMES = new Set(['available', 'reserved', 'damaged', 'safety_stock', 'quality_control', 'incoming']);
const MOVE_REASONS = new Set([
  'correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled',
  'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated',
  'restock', 'safety_stock', 'shrinkage',
]);

/** JSON with keys sorted, so two inputs compare by content, as Shopify compares an idempotent retry. */
const stableJson = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(stableJson).join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`
      : JSON.stringify(value ?? null);

/** Money as Shopify writes it (a decimal string) ⇄ integer minor units of a currency. */
const currencyDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
const minor = (amount: string, digits: number) => Math.round(Number(amount) * 10 ** digits);
const decimal = (units: number, digits: number) => (units / 10 ** digits).toFixed(digits);

/** The key of an @idempotent(key: $var | "literal") directive, or undefined. */
function directiveKey(query: string, v: Record<string, any>): string | undefined {
  const directive = /@idempotent\(\s*key:\s*(?:\$(\w+)|"([^"]*)")\s*\)/.exec(query);
  const key = directive ? (directive[1] ? v[directive[1]] : directive[2]) : undefined;
  return typeof key === 'string' && key ? key : undefined;
}

export async function startShopifyStub(accessToken: string): Promise<ShopifyStub> {
  let failures: Array<{ status: number; retryAfter?: string }> = [];
  let skewMs = 0;
  let refilledAt = Date.now();
  let nextWebhook = 1_000_000;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        answer(req, res, raw);
      } catch {
        json(res, 400, { errors: 'Bad Request' });
      }
    });
  });
  // Tests replace fields (stub.products = …), so the handlers read this very object.
  const state: ShopifyStub = {
    url: '',
    levels: new Map<string, Record<string, number>>(),
    reservedLevels: new Map<string, Record<string, number>>(),
    moves: [] as StubMove[],
    keysInProgress: new Set<string>(),
    setQuantities(itemId: string, locationId: string, q: Partial<StubQuantities>) {
      const now = state.quantities(itemId, locationId);
      state.levels.set(itemId, { ...state.levels.get(itemId), [locationId]: q.available ?? now.available });
      state.reservedLevels.set(itemId, { ...state.reservedLevels.get(itemId), [locationId]: q.reserved ?? now.reserved });
    },
    quantities(itemId: string, locationId: string) {
      return { available: state.levels.get(itemId)?.[locationId] ?? 0, reserved: state.reservedLevels.get(itemId)?.[locationId] ?? 0 };
    },
    purchase(itemId: string, locationId: string, qty: number) {
      const { available } = state.quantities(itemId, locationId);
      if (!Number.isInteger(qty) || qty <= 0 || available < qty) return false;
      state.setQuantities(itemId, locationId, { available: available - qty });
      return true;
    },
    tokens: new Set([accessToken]),
    client: { id: 'stub-client-id', secret: 'stub-client-secret' },
    codes: new Set<string>(),
    scopes: ['read_products', 'read_inventory', 'write_inventory', 'read_orders', 'write_orders', 'read_fulfillments'],
    shop: { name: 'Stub Store', myshopifyDomain: 'stub-store.myshopify.com', primaryDomainUrl: 'https://shop.example.com', currencyCode: 'USD' },
    products: [] as StubProduct[],
    webhooks: [] as StubWebhook[],
    throttle: { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 },
    requests: [] as StubRequest[],
    stallMoves: false,
    orders: new Map<string, StubOrder>(),
    refundsMade: [] as StubRefundMade[],
    stallRefunds: false,
    bulk: { pollsToComplete: 2, fail: null, cutAfterLines: null, downloads: 0, operations: [] },
    addOrder(input: StubOrderInput) {
      const digits = currencyDigits(input.currencyCode);
      const total = input.lineItems.reduce((n, l) => n + minor(l.price, digits) * l.quantity, 0);
      const order: StubOrder = {
        id: input.id,
        name: input.name,
        currencyCode: input.currencyCode,
        lineItems: input.lineItems.map((l) => ({ ...l, fulfilled: l.fulfilled ?? 0, refunded: 0, cancelled: 0 })),
        transactions: (input.transactions ?? [{ id: String(Number(input.id) * 10 + 1), kind: 'SALE', status: 'SUCCESS', gateway: 'shopify_payments', amount: decimal(total, digits) }]).map((t) => ({ ...t, parentId: t.parentId ?? null })),
        refunds: [],
      };
      state.orders.set(order.id, order);
      return order;
    },
    get failNext() {
      return failures.length > 0;
    },
    set failNext(v: boolean) {
      failures = v ? [{ status: 503 }] : [];
    },
    fail(count: number, status: number, retryAfter?: string) {
      failures.push(...Array.from({ length: count }, () => ({ status, retryAfter })));
    },
    elapse(ms: number) {
      skewMs += ms;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };

  const refill = () => {
    const now = Date.now() + skewMs;
    const t = state.throttle;
    t.currentlyAvailable = Math.min(t.maximumAvailable, t.currentlyAvailable + ((now - refilledAt) / 1000) * t.restoreRate);
    refilledAt = now;
  };

  const denied = (field: string, scope: string): Resolved => ({
    error: { message: `Access denied for ${field} field. Required access: \`${scope}\` access scope.`, extensions: { code: 'ACCESS_DENIED' } },
  });

  /** 100 of a product's variants from `offset`, with the connection's pageInfo (the cursor is the offset). */
  function variantsPage(p: StubProduct, offset: number) {
    const nodes = p.variants.slice(offset, offset + 100).map(variantNode);
    const end = offset + nodes.length;
    return { pageInfo: { hasNextPage: end < p.variants.length, endCursor: nodes.length ? Buffer.from(String(end)).toString('base64') : null }, nodes };
  }

  /** `product(id:)` with its variants after a cursor: what the catalog import reads past a product's first 100. */
  function product(v: Record<string, any>): Resolved {
    if (!state.scopes.some((s) => s === 'read_products' || s === 'write_products')) return denied('product', 'read_products');
    const found = state.products.find((p) => `gid://shopify/Product/${p.id}` === v.id);
    if (!found) return { data: null, cost: 1 };
    const offset = v.after ? Number(Buffer.from(String(v.after), 'base64').toString()) : 0;
    const variants = variantsPage(found, offset);
    return { data: { variants }, cost: 1 + 2 + variants.nodes.length * VARIANT_OBJECTS };
  }

  /** https://shopify.dev/docs/api/admin-graphql/2026-10/queries/products */
  function products(v: Record<string, any>): Resolved {
    if (!state.scopes.some((s) => s === 'read_products' || s === 'write_products')) return denied('products', 'read_products');
    const first = Number(v.first);
    if (!Number.isInteger(first) || first < 1 || first > 250) return { error: { message: 'The first argument must be between 1 and 250' } };
    const lastId = v.after ? (JSON.parse(Buffer.from(String(v.after), 'base64').toString()) as { last_id: number }).last_id : 0;
    const sorted = [...state.products].sort((a, b) => Number(a.id) - Number(b.id));
    const rest = sorted.filter((p) => Number(p.id) > lastId);
    const page = rest.slice(0, first);
    const cursor = (p: StubProduct) => Buffer.from(JSON.stringify({ last_id: Number(p.id), last_value: p.id })).toString('base64');
    const nodes = page.map((p) => ({
      id: `gid://shopify/Product/${p.id}`,
      title: p.title,
      handle: p.handle,
      productType: p.productType,
      tags: p.tags,
      featuredMedia: p.imageUrl ? { preview: { image: { url: p.imageUrl } } } : null,
      variants: variantsPage(p, 0),
    }));
    const cost = 2 + page.reduce((n, p) => n + PRODUCT_OBJECTS + 2 + Math.min(100, p.variants.length) * VARIANT_OBJECTS, 0);
    const pageInfo = { hasNextPage: rest.length > first, hasPreviousPage: lastId > 0, startCursor: page[0] ? cursor(page[0]) : null, endCursor: page.length ? cursor(page.at(-1)!) : null };
    return { data: { pageInfo, nodes }, cost };
  }

  /** https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/webhookSubscriptionCreate */
  function createWebhook(v: Record<string, any>): Resolved {
    const topic = String(v.topic ?? '');
    const uri = String(v.webhookSubscription?.uri ?? '');
    if (!/^[A-Z][A-Z_]*$/.test(topic)) return { error: { message: `Variable $topic of type WebhookSubscriptionTopic! was provided invalid value` } };
    const userErrors = [];
    if (!/^https?:\/\//.test(uri)) userErrors.push({ field: ['webhookSubscription', 'callbackUrl'], message: 'Address is invalid' });
    if (state.webhooks.some((w) => w.topic === topic && w.uri === uri)) userErrors.push({ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' });
    if (userErrors.length) return { data: { webhookSubscription: null, userErrors }, cost: 10 };
    const made = { id: `gid://shopify/WebhookSubscription/${nextWebhook++}`, topic, uri, format: String(v.webhookSubscription?.format ?? 'JSON') };
    state.webhooks.push(made);
    return { data: { webhookSubscription: { id: made.id, topic, uri }, userErrors: [] }, cost: 10 };
  }

  function deleteWebhook(v: Record<string, any>): Resolved {
    const index = state.webhooks.findIndex((w) => w.id === v.id);
    if (index < 0) return { data: { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] }, cost: 10 };
    state.webhooks.splice(index, 1);
    return { data: { deletedWebhookSubscriptionId: v.id, userErrors: [] }, cost: 10 };
  }

  /**
   * nodes(ids) of InventoryItem with inventoryLevels { location quantities(names: [...]) }: each name asked,
   * from the same state inventoryMoveQuantities moves (on_hand counts both; names the stub does not keep are 0).
   * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/InventoryLevel
   */
  function inventoryNodes(query: string, v: Record<string, any>): Resolved {
    const ids: string[] = v.ids ?? [];
    const names = [.../quantities\(\s*names:\s*\[([^\]]*)\]/.exec(query)?.[1]?.matchAll(/"([^"]+)"/g) ?? []].map((m) => m[1]!);
    const nodes = ids.map((gid) => {
      const item = gid.split('/').pop()!;
      if (!state.levels.has(item) && !state.reservedLevels.has(item)) return null;
      const locations = new Set([...Object.keys(state.levels.get(item) ?? {}), ...Object.keys(state.reservedLevels.get(item) ?? {})]);
      const edges = [...locations].map((location) => {
        const q = state.quantities(item, location);
        const value = (name: string) => (name === 'available' ? q.available : name === 'reserved' ? q.reserved : name === 'on_hand' ? q.available + q.reserved : 0);
        return { node: { location: { id: `gid://shopify/Location/${location}` }, quantities: names.map((name) => ({ name, quantity: value(name) })) } };
      });
      return { id: gid, inventoryLevels: { edges } };
    });
    return { data: nodes, cost: nodes.reduce((n, node) => n + 3 + (node?.inventoryLevels.edges.length ?? 0) * 3, 0) };
  }

  /**
   * inventoryMoveQuantities as 2026-10 answers it, checked in full before anything moves.
   * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/inventoryMoveQuantities
   * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/InventoryMoveQuantityTerminalInput
   * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/InventoryMoveQuantitiesUserErrorCode
   * https://shopify.dev/docs/api/usage/implementing-idempotency
   * - The @idempotent directive is required since 2026-04. Shopify documents only that a call without it
   *   "will result in an error at runtime", not its shape: the stub answers a top-level error.
   * - A key seen before with the same input replays the first answer and moves nothing; with other input
   *   it is IDEMPOTENCY_KEY_PARAMETER_MISMATCH; after a first attempt that failed it is
   *   IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED; a key in `keysInProgress` is IDEMPOTENCY_CONCURRENT_REQUEST.
   * - Taking more than the `from` state holds is INVALID_QUANTITY_NEGATIVE (the enum has no other code
   *   for it), and nothing moves.
   */
  const seenKeys = new Map<string, { input: string; answer: Resolved; failed: boolean }>();
  let nextGroup = 5_000_000;
  function moveQuantities(query: string, v: Record<string, any>): Resolved {
    if (!state.scopes.includes('write_inventory')) return denied('inventoryMoveQuantities', 'write_inventory');
    const directive = /@idempotent\(\s*key:\s*(?:\$(\w+)|"([^"]*)")\s*\)/.exec(query);
    const key = directive ? (directive[1] ? v[directive[1]] : directive[2]) : undefined;
    if (typeof key !== 'string' || !key) {
      return { error: { message: 'The @idempotent directive with a key is required for inventoryMoveQuantities.', extensions: { code: 'BAD_REQUEST' } } };
    }
    const input = v.input ?? {};
    const userError = (code: string, message: string, field: string[] = ['input']) => ({ data: { inventoryAdjustmentGroup: null, userErrors: [{ field, message, code }] }, cost: 10 });
    if (state.keysInProgress.has(key)) return userError('IDEMPOTENCY_CONCURRENT_REQUEST', 'This request is currently in progress, please try again.');
    const canonical = stableJson(input);
    const seen = seenKeys.get(key);
    if (seen && seen.input !== canonical) return userError('IDEMPOTENCY_KEY_PARAMETER_MISMATCH', 'The same idempotency key cannot be used with different operation parameters.');
    if (seen?.failed) return userError('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED', 'A previous request with this idempotency key failed. Retry with a new idempotency key.');
    if (seen) return seen.answer;
    const answer = applyMove(input, userError);
    const failed = 'data' in answer && (answer.data as { userErrors: unknown[] }).userErrors.length > 0;
    if ('data' in answer) seenKeys.set(key, { input: canonical, answer, failed });
    if (!failed && 'data' in answer) state.moves.push({ key, input });
    return answer;
  }

  function applyMove(input: Record<string, any>, userError: (code: string, message: string, field?: string[]) => Resolved): Resolved {
    if (!MOVE_REASONS.has(input.reason)) return userError('INVALID_REASON', 'The specified reason is invalid.', ['input', 'reason']);
    if (!input.referenceDocumentUri || !/^[a-z][a-z0-9+.-]*:\/\/./i.test(input.referenceDocumentUri)) {
      return userError('INVALID_REFERENCE_DOCUMENT', 'The specified reference document is invalid.', ['input', 'referenceDocumentUri']);
    }
    const changes: Array<Record<string, any>> = input.changes ?? [];
    const planned: Array<{ item: string; location: string; from: string; to: string; quantity: number }> = [];
    for (const [i, change] of changes.entries()) {
      const at = (...rest: string[]) => ['input', 'changes', String(i), ...rest];
      for (const side of ['from', 'to'] as const) {
        const t = change[side] ?? {};
        // Mandatory since 2026-01, even as null; Shopify says only that leaving it out "returns an error".
        if (!('changeFromQuantity' in t)) return { error: { message: `changeFromQuantity must be given on ${side}, even as null.`, extensions: { code: 'BAD_REQUEST' } } };
        if (!STUB_QUANTITY_NAMES.has(t.name)) return userError('INVALID_QUANTITY_NAME', 'The specified quantity name is invalid.', at(side, 'name'));
        if (t.name === 'available' && t.ledgerDocumentUri != null) return userError('INVALID_AVAILABLE_DOCUMENT', 'A ledger document URI is not allowed when adjusting available.', at(side, 'ledgerDocumentUri'));
        if (t.name !== 'available' && !t.ledgerDocumentUri) return userError('INVALID_QUANTITY_DOCUMENT', 'A ledger document URI is required except when adjusting available.', at(side, 'ledgerDocumentUri'));
        if (String(t.ledgerDocumentUri ?? '').startsWith('gid://shopify/')) return userError('INTERNAL_LEDGER_DOCUMENT', 'Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.', at(side, 'ledgerDocumentUri'));
      }
      if (change.from.name === change.to.name) return userError('SAME_QUANTITY_NAME', 'The quantity names for each change cannot be the same.', at('to', 'name'));
      if (change.from.locationId !== change.to.locationId) return userError('DIFFERENT_LOCATIONS', "The quantities can't be moved between different locations.", at('to', 'locationId'));
      const quantity = Number(change.quantity);
      if (!Number.isInteger(quantity) || quantity < 0) return userError('INVALID_QUANTITY_NEGATIVE', "The quantity can't be negative.", at('quantity'));
      if (quantity > 2_000_000_000) return userError('INVALID_QUANTITY_TOO_HIGH', "The quantity can't be higher than 2,000,000,000.", at('quantity'));
      const item = String(change.inventoryItemId ?? '').split('/').pop()!;
      const location = String(change.from.locationId ?? '').split('/').pop()!;
      if (!state.levels.has(item) && !state.reservedLevels.has(item)) return userError('INVALID_INVENTORY_ITEM', 'The specified inventory item could not be found.', at('inventoryItemId'));
      if (state.levels.get(item)?.[location] === undefined && state.reservedLevels.get(item)?.[location] === undefined) {
        return userError('ITEM_NOT_STOCKED_AT_LOCATION', 'The inventory item is not stocked at the location.', at('from', 'locationId'));
      }
      const held = (name: string) => state.quantities(item, location)[name as keyof StubQuantities] ?? 0;
      for (const side of ['from', 'to'] as const) {
        const expected = change[side].changeFromQuantity;
        if (expected !== null && expected !== held(change[side].name)) return userError('CHANGE_FROM_QUANTITY_STALE', 'The changeFromQuantity argument no longer matches the persisted quantity.', at(side, 'changeFromQuantity'));
      }
      if (held(change.from.name) < quantity) return userError('INVALID_QUANTITY_NEGATIVE', "The quantity can't be negative.", at('quantity'));
      planned.push({ item, location, from: change.from.name, to: change.to.name, quantity });
    }
    for (const p of planned) {
      const q = state.quantities(p.item, p.location);
      state.setQuantities(p.item, p.location, { ...q, [p.from]: q[p.from as keyof StubQuantities] - p.quantity, [p.to]: q[p.to as keyof StubQuantities] + p.quantity });
    }
    const changesOut = planned.flatMap((p) => [
      { name: p.from, delta: -p.quantity, quantityAfterChange: null, ledgerDocumentUri: null, item: { id: `gid://shopify/InventoryItem/${p.item}` }, location: { id: `gid://shopify/Location/${p.location}` } },
      { name: p.to, delta: p.quantity, quantityAfterChange: null, ledgerDocumentUri: null, item: { id: `gid://shopify/InventoryItem/${p.item}` }, location: { id: `gid://shopify/Location/${p.location}` } },
    ]);
    const group = { id: `gid://shopify/InventoryAdjustmentGroup/${nextGroup++}`, createdAt: new Date().toISOString(), reason: input.reason, referenceDocumentUri: input.referenceDocumentUri, changes: changesOut };
    return { data: { inventoryAdjustmentGroup: group, userErrors: [] }, cost: 10 };
  }

  /**
   * order(id) with lineItems, refunds and, when asked, suggestedRefund(refundLineItems: $var): Shopify's
   * shape with presentment money equal to shop money (one currency per order). The stub keeps no
   * taxes, discounts or shipping; a suggestion clamps each line to what is still refundable and takes
   * the money from the paid transactions in order. Restocking is recorded, not applied to any level.
   * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/order
   * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/SuggestedRefund
   */
  const paid = (o: StubOrder) => o.transactions.filter((t) => (t.kind === 'SALE' || t.kind === 'CAPTURE') && t.status === 'SUCCESS');
  const leftOn = (o: StubOrder, parent: StubTransaction, digits: number) =>
    minor(parent.amount, digits) - o.transactions.filter((t) => t.kind === 'REFUND' && t.status === 'SUCCESS' && t.parentId === parent.id).reduce((n, t) => n + minor(t.amount, digits), 0);
  const moneyBag = (units: number, o: StubOrder, digits: number) => {
    const money = { amount: decimal(units, digits), currencyCode: o.currencyCode };
    return { shopMoney: money, presentmentMoney: money };
  };
  const firstOf = (query: string, field: string) => Number(new RegExp(`${field}\\(\\s*first:\\s*(\\d+)`).exec(query)?.[1] ?? 250);

  function orderField(query: string, v: Record<string, any>): Resolved {
    if (!state.scopes.some((s) => s === 'read_orders' || s === 'write_orders')) return denied('order', 'read_orders');
    const o = state.orders.get(String(v.id ?? '').split('/').pop()!);
    if (!o) return { data: null, cost: 1 };
    const digits = currencyDigits(o.currencyCode);
    const lines = o.lineItems.slice(0, firstOf(query, 'lineItems'));
    const refunds = o.refunds.slice(0, firstOf(query, 'refunds'));
    const data: Record<string, unknown> = {
      id: `gid://shopify/Order/${o.id}`,
      name: o.name,
      currencyCode: o.currencyCode,
      presentmentCurrencyCode: o.currencyCode,
      lineItems: {
        nodes: lines.map((l) => ({
          id: `gid://shopify/LineItem/${l.id}`,
          quantity: l.quantity,
          currentQuantity: l.quantity - l.refunded,
          refundableQuantity: l.quantity - l.refunded,
          unfulfilledQuantity: l.quantity - l.fulfilled - l.cancelled,
          variant: l.variantId ? { id: `gid://shopify/ProductVariant/${l.variantId}` } : null,
        })),
        pageInfo: { hasNextPage: o.lineItems.length > lines.length, endCursor: null },
      },
      refunds: refunds.map((r) => {
        const shown = r.lineItems.slice(0, firstOf(query, 'refundLineItems'));
        const total = o.transactions.filter((t) => r.transactionIds.includes(t.id)).reduce((n, t) => n + minor(t.amount, digits), 0);
        return {
          id: `gid://shopify/Refund/${r.id}`,
          note: r.note,
          createdAt: r.createdAt,
          totalRefundedSet: moneyBag(total, o, digits),
          refundLineItems: {
            nodes: shown.map((l) => ({ lineItem: { id: `gid://shopify/LineItem/${l.lineItemId}` }, quantity: l.quantity, restockType: l.restockType })),
            pageInfo: { hasNextPage: r.lineItems.length > shown.length, endCursor: null },
          },
        };
      }),
    };
    const asked = /suggestedRefund\(([^)]*)\)/.exec(query);
    if (asked) {
      const name = /refundLineItems:\s*\$(\w+)/.exec(asked[1]!)?.[1];
      const wanted: Array<Record<string, any>> = (name ? v[name] : null) ?? [];
      const suggested = [];
      for (const w of wanted) {
        const l = o.lineItems.find((x) => `gid://shopify/LineItem/${x.id}` === w.lineItemId);
        if (!l) return { error: { message: `Invalid id: ${String(w.lineItemId)}`, extensions: { code: 'RESOURCE_NOT_FOUND' } } };
        suggested.push({ l, quantity: Math.max(0, Math.min(Number(w.quantity), l.quantity - l.refunded)), restockType: w.restockType ?? 'NO_RESTOCK' });
      }
      const amount = suggested.reduce((n, x) => n + minor(x.l.price, digits) * x.quantity, 0);
      const maximum = paid(o).reduce((n, t) => n + leftOn(o, t, digits), 0);
      let rest = Math.min(amount, maximum);
      const transactions = [];
      for (const t of paid(o)) {
        const take = Math.min(rest, leftOn(o, t, digits));
        if (take <= 0) continue;
        rest -= take;
        transactions.push({
          kind: 'SUGGESTED_REFUND',
          gateway: t.gateway,
          amountSet: moneyBag(take, o, digits),
          maximumRefundableSet: moneyBag(leftOn(o, t, digits), o, digits),
          parentTransaction: { id: `gid://shopify/OrderTransaction/${t.id}`, kind: t.kind },
        });
      }
      data.suggestedRefund = {
        amountSet: moneyBag(Math.min(amount, maximum), o, digits),
        subtotalSet: moneyBag(amount, o, digits),
        maximumRefundableSet: moneyBag(maximum, o, digits),
        refundLineItems: suggested.map((x) => ({ lineItem: { id: `gid://shopify/LineItem/${x.l.id}` }, quantity: x.quantity, restockType: x.restockType, priceSet: moneyBag(minor(x.l.price, digits), o, digits) })),
        suggestedTransactions: transactions,
      };
    }
    return { data, cost: 1 + lines.length * 2 + refunds.length * 3 };
  }

  /**
   * refundCreate as 2026-10 answers it: @idempotent required (since 2026-04), the same key rules as
   * inventoryMoveQuantities (in progress, mismatch, previous attempt failed, replay), userErrors of
   * plain UserError (field, message: asking for `code` is a GraphQL error), checked in full first.
   * Refunding more units than a line has left is "Quantity cannot refund more items than were purchased"
   * on refundLineItems.N.quantity; more money than a transaction has left is the stub's own wording.
   * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/refundCreate
   * https://shopify.dev/docs/api/usage/implementing-idempotency
   */
  const seenRefundKeys = new Map<string, { input: string; answer: Resolved; failed: boolean }>();
  let nextRefund = 900_000_000;
  let nextTransaction = 700_000_000;
  function refundCreate(query: string, v: Record<string, any>): Resolved {
    if (!state.scopes.includes('write_orders')) return denied('refundCreate', 'write_orders');
    const key = directiveKey(query, v);
    if (!key) return { error: { message: 'The @idempotent directive with a key is required for refundCreate.', extensions: { code: 'BAD_REQUEST' } } };
    if (/userErrors\s*\{[^}]*\bcode\b/.test(query.slice(query.indexOf('refundCreate')))) {
      return { error: { message: "Field 'code' doesn't exist on type 'UserError'", extensions: { code: 'undefinedField' } } };
    }
    const input = v.input ?? {};
    const userError = (message: string, field: string[] | null = null): Resolved => ({ data: { order: null, refund: null, userErrors: [{ field, message }] }, cost: 10 });
    if (state.keysInProgress.has(key)) return userError('This request is currently in progress, please try again.');
    const canonical = stableJson(input);
    const seen = seenRefundKeys.get(key);
    if (seen && seen.input !== canonical) return userError('The same idempotency key cannot be used with different operation parameters.');
    if (seen?.failed) return userError('A previous request with this idempotency key failed. Retry with a new idempotency key.');
    if (seen) return seen.answer;
    const answer = applyRefund(input, userError);
    const failed = 'data' in answer && (answer.data as { userErrors: unknown[] }).userErrors.length > 0;
    if ('data' in answer) seenRefundKeys.set(key, { input: canonical, answer, failed });
    if (!failed && 'data' in answer) state.refundsMade.push({ id: String((answer.data as { refund: { id: string } }).refund.id.split('/').pop()), key, input });
    return answer;
  }

  function applyRefund(input: Record<string, any>, userError: (message: string, field?: string[] | null) => Resolved): Resolved {
    const o = state.orders.get(String(input.orderId ?? '').split('/').pop()!);
    if (!o) return userError('Order does not exist', ['orderId']);
    if (input.currency != null && input.currency !== o.currencyCode) return userError('Currency must be the presentment currency of the order', ['currency']);
    const digits = currencyDigits(o.currencyCode);
    const lines: Array<{ l: StubOrder['lineItems'][number]; quantity: number; restockType: string }> = [];
    for (const [i, r] of ((input.refundLineItems ?? []) as Array<Record<string, any>>).entries()) {
      const at = (f: string) => ['refundLineItems', String(i), f];
      const l = o.lineItems.find((x) => `gid://shopify/LineItem/${x.id}` === r.lineItemId);
      if (!l) return userError('Line item does not exist', at('lineItemId'));
      const restockType = r.restockType ?? 'NO_RESTOCK';
      if (!['CANCEL', 'NO_RESTOCK', 'RETURN'].includes(restockType)) return userError('Restock type is not accepted', at('restockType'));
      const quantity = Number(r.quantity);
      const before = lines.filter((x) => x.l === l).reduce((n, x) => n + x.quantity, 0);
      if (!Number.isInteger(quantity) || quantity < 1) return userError('Quantity must be greater than 0', at('quantity'));
      if (before + quantity > l.quantity - l.refunded) return userError('Quantity cannot refund more items than were purchased', at('quantity'));
      lines.push({ l, quantity, restockType });
    }
    const money: Array<{ parent: StubTransaction; units: number; gateway: string }> = [];
    for (const [i, t] of ((input.transactions ?? []) as Array<Record<string, any>>).entries()) {
      const at = (f: string) => ['transactions', String(i), f];
      if (t.kind !== 'REFUND') return userError('Kind is not supported for a refund', at('kind'));
      const parent = paid(o).find((p) => `gid://shopify/OrderTransaction/${p.id}` === t.parentId);
      if (!parent) return userError('Parent transaction does not exist', at('parentId'));
      if (t.gateway !== parent.gateway) return userError('Gateway does not match the parent transaction', at('gateway'));
      const units = minor(String(t.amount), digits);
      const taken = money.filter((m) => m.parent === parent).reduce((n, m) => n + m.units, 0);
      if (!(units > 0)) return userError('Amount must be greater than 0', at('amount'));
      if (taken + units > leftOn(o, parent, digits)) return userError('Amount exceeds the maximum refundable amount of the transaction', at('amount'));
      money.push({ parent, units, gateway: parent.gateway });
    }
    if (lines.length === 0 && money.length === 0) return userError('A refund needs line items or transactions');
    for (const x of lines) {
      x.l.refunded += x.quantity;
      if (x.restockType === 'CANCEL') x.l.cancelled += x.quantity;
    }
    const made = money.map((m) => ({ id: String(nextTransaction++), kind: 'REFUND' as const, status: 'SUCCESS' as const, gateway: m.gateway, amount: decimal(m.units, digits), parentId: m.parent.id }));
    o.transactions.push(...made);
    const refund: StubRefund = {
      id: String(nextRefund++),
      note: input.note ?? null,
      createdAt: new Date(Date.now() + skewMs).toISOString(),
      lineItems: lines.map((x) => ({ lineItemId: x.l.id, quantity: x.quantity, restockType: x.restockType })),
      transactionIds: made.map((t) => t.id),
    };
    o.refunds.push(refund);
    const total = money.reduce((n, m) => n + m.units, 0);
    return {
      data: {
        order: { id: `gid://shopify/Order/${o.id}` },
        refund: { id: `gid://shopify/Refund/${refund.id}`, note: refund.note, createdAt: refund.createdAt, totalRefundedSet: moneyBag(total, o, digits) },
        userErrors: [],
      },
      cost: 10,
    };
  }

  /**
   * bulkOperationRunQuery: one bulk query at a time, as before 2026-01 (since then Shopify allows five
   * and answers LIMIT_REACHED past them); the stub keeps the stricter rule so "in progress" is testable.
   * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/bulkOperationRunQuery
   * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationUserErrorCode
   */
  let nextBulk = 4_000_000_000;
  function runBulkQuery(query: string, v: Record<string, any>): Resolved {
    const bulkQuery = String(v.query ?? /query:\s*"((?:[^"\\]|\\.)*)"/.exec(query)?.[1] ?? '');
    const userError = (code: string, message: string, field: string[] | null = null): Resolved => ({ data: { bulkOperation: null, userErrors: [{ field, message, code }] }, cost: 10 });
    const running = state.bulk.operations.find((o) => o.status === 'CREATED' || o.status === 'RUNNING');
    if (running) return userError('OPERATION_IN_PROGRESS', `A bulk query operation for this app and shop is already in progress: ${running.id}.`);
    if (!/\bedges\s*\{\s*node\s*\{/.test(bulkQuery)) return userError('INVALID', 'Bulk queries must contain at least one connection.', ['query']);
    const groupObjects = /groupObjects:\s*(true|false)/.exec(query)?.[1];
    const op: StubBulkOperation = { id: `gid://shopify/BulkOperation/${nextBulk++}`, status: 'CREATED', polls: 0, errorCode: null, query: bulkQuery, groupObjects: groupObjects ? groupObjects === 'true' : null };
    state.bulk.operations.push(op);
    return { data: { bulkOperation: { id: op.id, status: op.status }, userErrors: [] }, cost: 10 };
  }

  /** https://shopify.dev/docs/api/admin-graphql/2026-10/objects/BulkOperation (objectCount is an UnsignedInt64: a string) */
  function pollBulk(id: string) {
    const op = state.bulk.operations.find((o) => o.id === id);
    if (!op) return null;
    if (op.status === 'CREATED' || op.status === 'RUNNING') {
      op.polls++;
      if (op.polls < state.bulk.pollsToComplete) op.status = 'RUNNING';
      else if (state.bulk.fail) Object.assign(op, { status: 'FAILED', errorCode: state.bulk.fail });
      else op.status = 'COMPLETED';
    }
    const objects = state.products.reduce((n, p) => n + 1 + p.variants.length, 0);
    const done = op.status === 'COMPLETED';
    return {
      id: op.id,
      status: op.status,
      errorCode: op.errorCode,
      objectCount: String(done ? objects : op.status === 'RUNNING' ? Math.floor(objects / 2) : 0),
      // No file for an empty result, as Shopify answers.
      url: done && objects > 0 ? `${state.url}/bulk-operations/${op.id.split('/').pop()}.jsonl?X-Goog-Signature=stub` : null,
      partialDataUrl: null,
    };
  }

  /** The export's lines: each product, then each of its variants with __parentId (grouped output). */
  function* exportLines(): Generator<string> {
    for (const p of state.products) {
      const gid = `gid://shopify/Product/${p.id}`;
      yield JSON.stringify({ id: gid, title: p.title, handle: p.handle, productType: p.productType, tags: p.tags, featuredMedia: p.imageUrl ? { preview: { image: { url: p.imageUrl } } } : null });
      for (const x of p.variants) {
        yield JSON.stringify({ ...variantNode(x), __parentId: gid });
      }
    }
  }

  /** Streams a completed export's file, waiting on the socket; `cutAfterLines` drops the connection midway. */
  async function serveExport(res: ServerResponse, path: string) {
    const id = /^\/bulk-operations\/(\d+)\.jsonl(?:\?|$)/.exec(path)?.[1];
    const op = state.bulk.operations.find((o) => o.id === `gid://shopify/BulkOperation/${id}`);
    if (!op || op.status !== 'COMPLETED') return void res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
    state.bulk.downloads++;
    const cut = state.bulk.cutAfterLines;
    state.bulk.cutAfterLines = null;
    res.writeHead(200, { 'content-type': 'application/jsonl' });
    let sent = 0;
    for (const line of exportLines()) {
      if (cut !== null && sent >= cut) return void res.destroy();
      if (!res.write(`${line}\n`)) await new Promise((r) => res.once('drain', r));
      if (res.destroyed) return;
      sent++;
    }
    res.end();
  }

  function resolve(field: string, query: string, v: Record<string, any>): Resolved {
    const total = state.products.reduce((n, p) => n + p.variants.length, 0);
    switch (field) {
      case 'shop':
        return { data: { name: state.shop.name, myshopifyDomain: state.shop.myshopifyDomain, primaryDomain: { url: state.shop.primaryDomainUrl }, currencyCode: state.shop.currencyCode }, cost: 2 };
      case 'currentAppInstallation':
        return { data: { accessScopes: state.scopes.map((handle) => ({ handle })) }, cost: 2 };
      case 'products':
        return products(v);
      case 'product':
        return product(v);
      case 'productVariantsCount': {
        // The count stops at 10,000 unless the query lifts the limit.
        const capped = !/productVariantsCount\(\s*limit:\s*null/.test(query) && total > 10_000;
        return { data: { count: capped ? 10_000 : total, precision: capped ? 'AT_LEAST' : 'EXACT' }, cost: 1 };
      }
      case 'webhookSubscriptions': {
        const topics: string[] | undefined = v.topics ?? undefined;
        const nodes = state.webhooks.filter((w) => !topics || topics.includes(w.topic)).map(({ id, topic, uri }) => ({ id, topic, uri }));
        return { data: { pageInfo: { hasNextPage: false, endCursor: null }, nodes }, cost: 2 + nodes.length };
      }
      case 'webhookSubscriptionCreate':
        return createWebhook(v);
      case 'webhookSubscriptionDelete':
        return deleteWebhook(v);
      case 'nodes':
        return query.includes('inventoryLevels') ? inventoryNodes(query, v) : { error: { message: 'The stub answers nodes(ids) for InventoryItem only' } };
      case 'inventoryMoveQuantities':
        return moveQuantities(query, v);
      case 'order':
        return orderField(query, v);
      case 'refundCreate':
        return refundCreate(query, v);
      case 'bulkOperationRunQuery':
        return runBulkQuery(query, v);
      case 'bulkOperation':
      case 'node':
        return { data: pollBulk(String(v.id ?? '')), cost: 1 };
      default:
        return { error: { message: `Field '${field}' doesn't exist on type 'QueryRoot'`, extensions: { code: 'undefinedField' } } };
    }
  }

  function graphql(res: ServerResponse, body: { query?: string; variables?: Record<string, any> }) {
    const query = body.query ?? '';
    const variables = body.variables ?? {};
    const fields = rootFields(query);
    refill();
    const t = state.throttle;
    const requested = fields.reduce((n, f) => n + (requestedCost[f]?.(variables, query) ?? 1), 0);
    const status = () => ({ maximumAvailable: t.maximumAvailable, currentlyAvailable: Math.floor(t.currentlyAvailable), restoreRate: t.restoreRate });
    if (requested > MAX_QUERY_COST) {
      return json(res, 200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST },
          },
        ],
      });
    }
    if (requested > t.currentlyAvailable) {
      return json(res, 200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() } },
      });
    }
    const data: Record<string, unknown> = {};
    const errors: Array<{ message: string; extensions?: Record<string, unknown> }> = [];
    let actual = 0;
    for (const field of fields) {
      const answer = resolve(field, query, variables);
      if ('error' in answer) errors.push(answer.error);
      else {
        data[field] = answer.data;
        actual += answer.cost;
      }
    }
    t.currentlyAvailable -= actual;
    // Done, and the answer never leaves: the socket stays open until the caller goes (or close()).
    if (state.stallMoves && fields.includes('inventoryMoveQuantities')) return;
    if (state.stallRefunds && fields.includes('refundCreate')) return;
    const extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status() } };
    json(res, 200, errors.length ? { errors, data: null, extensions } : { data, extensions });
  }

  /** Shopify's answers: 200 with the token, or 400 {"error": ...} for a wrong client or code. */
  function grant(res: ServerResponse, form: Record<string, string>) {
    if (form.client_id !== state.client.id || form.client_secret !== state.client.secret) {
      return json(res, 400, {
        error: 'invalid_client',
        error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
    if (form.grant_type !== 'client_credentials') {
      if (!form.code || !state.codes.delete(form.code)) {
        return json(res, 400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
      }
    }
    const issued = `shpat_${Math.random().toString(16).slice(2)}${state.tokens.size}`;
    state.tokens.add(issued);
    const scope = state.scopes.join(',');
    json(res, 200, form.grant_type === 'client_credentials' ? { access_token: issued, scope, expires_in: 86399 } : { access_token: issued, scope });
  }

  function answer(req: IncomingMessage, res: ServerResponse, raw: string) {
    const path = req.url ?? '';
    // The export file lives on a storage host in production, outside the Admin API: no token, not logged.
    if (req.method === 'GET' && path.startsWith('/bulk-operations/')) return void serveExport(res, path).catch(() => res.destroy());
    const token = req.headers['x-shopify-access-token'] as string | undefined;
    const form = /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
      ? Object.fromEntries(new URLSearchParams(raw))
      : (JSON.parse(raw || '{}') as Record<string, any>);
    const isToken = path === '/admin/oauth/access_token';
    state.requests.push({
      path,
      token,
      operation: isToken ? String(form.grant_type ?? 'authorization_code') : rootFields(String(form.query ?? '')).join(','),
      query: String(form.query ?? ''),
      ids: form.variables?.ids ?? [],
    });
    const failure = failures.shift();
    if (failure?.status === 429) {
      return json(res, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    }
    if (failure) return json(res, failure.status, { errors: 'Internal Server Error' });
    if (req.method !== 'POST') return json(res, 404, { errors: 'Not Found' });
    if (isToken) return grant(res, form);
    if (!GRAPHQL_PATH.test(path)) return json(res, 404, { errors: 'Not Found' });
    if (!token || !state.tokens.has(token)) return json(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    graphql(res, form);
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
