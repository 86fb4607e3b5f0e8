import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SHOPIFY_API_VERSION } from '../../server/platforms/shopify/http.ts';

/**
 * A local Shopify store answering like the Admin API (SHOPIFY_API_VERSION), with the real payload shapes:
 * - POST /admin/oauth/access_token: the client credentials and authorization-code grants
 *   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 *   https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 * - POST /admin/api/{version}/graphql.json: shop, currentAppInstallation, products, productVariantsCount,
 *   webhookSubscriptions, webhookSubscriptionCreate/Delete and nodes(ids) of InventoryItem, each answer
 *   with extensions.cost, and THROTTLED when the cost bucket cannot hold the query.
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

export interface ShopifyStub {
  url: string;
  /** Stock per inventory item id, per location id; change it to simulate the store. */
  levels: Map<string, Record<string, number>>;
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
      fields.push(name);
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
const requestedCost: Record<string, (v: Record<string, any>) => number> = {
  shop: () => 2,
  currentAppInstallation: () => 2,
  products: (v) => 2 + Number(v.first ?? 0) * (PRODUCT_OBJECTS + 2 + 100 * VARIANT_OBJECTS),
  productVariantsCount: () => 1,
  webhookSubscriptions: () => 2 + 100,
  webhookSubscriptionCreate: () => 10,
  webhookSubscriptionDelete: () => 10,
  nodes: (v) => (v.ids?.length ?? 0) * INVENTORY_ITEM_OBJECTS,
};

type Resolved = { data: unknown; cost: number } | { error: { message: string; extensions?: Record<string, unknown> } };

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
    tokens: new Set([accessToken]),
    client: { id: 'stub-client-id', secret: 'stub-client-secret' },
    codes: new Set<string>(),
    scopes: ['read_products', 'read_inventory', 'write_inventory', 'read_orders', 'write_orders', 'read_fulfillments'],
    shop: { name: 'Stub Store', myshopifyDomain: 'stub-store.myshopify.com', primaryDomainUrl: 'https://shop.example.com', currencyCode: 'USD' },
    products: [] as StubProduct[],
    webhooks: [] as StubWebhook[],
    throttle: { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 },
    requests: [] as StubRequest[],
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

  /** https://shopify.dev/docs/api/admin-graphql/2025-10/queries/products */
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
      variants: {
        nodes: p.variants.slice(0, 100).map((x) => ({
          id: `gid://shopify/ProductVariant/${x.id}`,
          title: x.title,
          price: x.price,
          sku: x.sku,
          inventoryQuantity: x.inventoryQuantity,
          inventoryItem: { id: `gid://shopify/InventoryItem/${x.inventoryItemId}` },
          image: x.imageUrl ? { url: x.imageUrl } : null,
        })),
      },
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

  /** The inventory query reconciliation sends: available quantities per location. */
  function inventoryNodes(v: Record<string, any>): Resolved {
    const ids: string[] = v.ids ?? [];
    const nodes = ids.map((gid) => {
      const perLocation = state.levels.get(gid.split('/').pop()!);
      if (!perLocation) return null;
      const edges = Object.entries(perLocation).map(([location, available]) => ({
        node: { location: { id: `gid://shopify/Location/${location}` }, quantities: [{ name: 'available', quantity: available }] },
      }));
      return { id: gid, inventoryLevels: { edges } };
    });
    return { data: nodes, cost: nodes.reduce((n, node) => n + 3 + (node?.inventoryLevels.edges.length ?? 0) * 3, 0) };
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
        return query.includes('inventoryLevels') ? inventoryNodes(v) : { error: { message: 'The stub answers nodes(ids) for InventoryItem only' } };
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
    const requested = fields.reduce((n, f) => n + (requestedCost[f]?.(variables) ?? 1), 0);
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
