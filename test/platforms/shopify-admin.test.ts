import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../server/context.ts';
import { createTestClock } from '../../server/lib/clock.ts';
import {
  authorizationCodeToken,
  clientCredentialsToken,
  shopifyAdmin,
  shopifyAdminDeps,
  ShopifyError,
  type ShopifyAdminDeps,
} from '../../server/platforms/shopify/admin.ts';
import { trustedHttp } from '../../server/platforms/shopify/http.ts';
import { testNet } from '../net/helpers.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';

const SHOP = 'stub-store.myshopify.com';
const TOKEN = 'shpat_admin_token_for_tests';

let stub: ShopifyStub;
let deps: ShopifyAdminDeps;
/** Every wait the client asked for; each also moves the stub's time on, as really waiting would. */
let waits: number[];

beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  waits = [];
  deps = {
    origin: stub.url,
    http: trustedHttp,
    sleep: async (ms) => {
      waits.push(ms);
      stub.elapse(ms);
    },
  };
});
afterEach(() => stub.close());

/** The ShopifyError a promise rejects with, so its kind and fields can be compared. */
async function failure(promise: Promise<unknown>): Promise<ShopifyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShopifyError);
  return error as ShopifyError;
}

const graphqlCalls = (operation: string) => stub.requests.filter((r) => r.operation === operation).length;

describe('access tokens', () => {
  it('the client credentials grant gives a 24-hour token the Admin API accepts', async () => {
    const grant = await clientCredentialsToken(deps, SHOP, stub.client.id, stub.client.secret);
    expect(grant).toMatchObject({ scopes: stub.scopes, expiresInMs: 86_399_000 });
    expect(stub.requests[0]).toMatchObject({ path: '/admin/oauth/access_token', operation: 'client_credentials' });
    const facts = await shopifyAdmin(deps, SHOP, grant.accessToken).verify(['read_products']);
    expect(facts.myshopifyDomain).toBe('stub-store.myshopify.com');
  });

  it.each([
    ['a wrong client id', 'someone-else', 'stub-client-secret'],
    ['a wrong client secret', 'stub-client-id', 'not-the-secret'],
  ])('%s is refused as unauthorized', async (_, id, secret) => {
    expect((await failure(clientCredentialsToken(deps, SHOP, id, secret))).kind).toBe('unauthorized');
    expect((await failure(authorizationCodeToken(deps, SHOP, id, secret, 'code-1'))).kind).toBe('unauthorized');
  });

  it('the stub takes the grant as JSON too, as Shopify does', async () => {
    const res = await fetch(`${stub.url}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: stub.client.id, client_secret: stub.client.secret }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ scope: stub.scopes.join(','), expires_in: 86399 });
  });

  it('an authorization code is exchanged once', async () => {
    stub.codes.add('code-1');
    const grant = await authorizationCodeToken(deps, SHOP, stub.client.id, stub.client.secret, 'code-1');
    expect(grant.scopes).toEqual(stub.scopes);
    expect(stub.tokens.has(grant.accessToken)).toBe(true);
    expect((await failure(authorizationCodeToken(deps, SHOP, stub.client.id, stub.client.secret, 'code-1'))).kind).toBe('invalid');
  });
});

describe('verify', () => {
  it('answers the store and its scopes, a write scope standing for its read scope', async () => {
    stub.scopes = ['write_products', 'read_inventory'];
    const facts = await shopifyAdmin(deps, SHOP, TOKEN).verify(['read_products', 'read_inventory']);
    expect(facts).toEqual({
      name: 'Stub Store',
      myshopifyDomain: 'stub-store.myshopify.com',
      primaryDomainUrl: 'https://shop.example.com',
      currencyCode: 'USD',
      scopes: ['write_products', 'read_inventory'],
    });
  });

  it('names every required scope that is missing', async () => {
    stub.scopes = ['read_products'];
    const error = await failure(shopifyAdmin(deps, SHOP, TOKEN).verify(['read_products', 'write_inventory', 'read_orders']));
    expect(error).toMatchObject({ kind: 'missing_scopes', missingScopes: ['write_inventory', 'read_orders'] });
    expect(error.message).toContain('write_inventory, read_orders');
  });

  it.each([
    ['a token the store does not know', 'shpat_wrong', 'unauthorized'],
    ['a query the API does not know', TOKEN, 'invalid'],
  ])('%s → %s', async (_, token, kind) => {
    const admin = shopifyAdmin(deps, SHOP, token);
    const call = token === TOKEN ? admin.graphql('query { noSuchField }') : admin.verify([]);
    expect((await failure(call)).kind).toBe(kind);
  });
});

describe('catalog paging', () => {
  it('pages through 1,050 variants oldest first, each once, waiting on the cost bucket instead of being throttled', async () => {
    stub.products = [...generateCatalog(1049, 3), ...generateCatalog(1, 1, 9_000_000_000_000)];
    const admin = shopifyAdmin(deps, SHOP, TOKEN);
    expect(await admin.variantsCount()).toBe(1050);

    const seen: string[] = [];
    const productIds: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await admin.products(after);
      pages++;
      productIds.push(...page.products.map((p) => p.id));
      seen.push(...page.products.flatMap((p) => p.variants.map((v) => v.id)));
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);

    expect(seen).toHaveLength(1050);
    expect(new Set(seen).size).toBe(1050);
    expect(productIds).toEqual([...productIds].sort((a, b) => Number(a) - Number(b)));
    // Every page asked once: the client waited for the bucket (2,000 points, 920 a page) rather than be refused.
    expect(graphqlCalls('products')).toBe(pages);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((ms) => ms > 0 && ms <= 9200)).toBe(true);
  });

  it('maps a product: numeric ids, minor units, no "Default Title", images', async () => {
    stub.products = generateCatalog(1, 1);
    const [product] = (await shopifyAdmin(deps, SHOP, TOKEN).products(null)).products;
    const source = stub.products[0]!;
    expect(product).toEqual({
      id: source.id,
      title: 'Product 1',
      handle: 'product-1',
      productType: null,
      tags: [],
      imageUrl: source.imageUrl,
      variants: [
        {
          id: source.variants[0]!.id,
          title: '',
          price: 1099,
          sku: 'SKU-0',
          inventoryItemId: source.variants[0]!.inventoryItemId,
          inventoryQuantity: 0,
          imageUrl: null,
        },
      ],
    });
  });
});

describe('throttling and faults', () => {
  it('a THROTTLED answer waits until the bucket holds the query, then resumes', async () => {
    stub.products = generateCatalog(9, 3);
    stub.throttle.currentlyAvailable = 100;
    const page = await shopifyAdmin(deps, SHOP, TOKEN).products(null);
    expect(page.products).toHaveLength(3);
    expect(graphqlCalls('products')).toBe(2);
    // 920 points needed, about 100 there, 100 restored a second.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(8000);
    expect(waits[0]).toBeLessThanOrEqual(8200);
  });

  it('a page larger than one query may cost is lowered; a raw query over 1,000 points is refused', async () => {
    stub.products = generateCatalog(30, 3);
    const admin = shopifyAdmin(deps, SHOP, TOKEN);
    expect((await admin.products(null, 50)).products).toHaveLength(3);
    const tooCostly = await failure(admin.graphql('query { products(first: 50) { nodes { id } } }', { first: 50 }));
    expect(tooCostly).toMatchObject({ kind: 'invalid' });
    expect(tooCostly.message).toContain('exceeds the single query max cost limit');
  });

  it('a query that can never fit the bucket fails at once instead of waiting forever', async () => {
    stub.throttle = { maximumAvailable: 500, currentlyAvailable: 500, restoreRate: 50 };
    expect((await failure(shopifyAdmin(deps, SHOP, TOKEN).products(null))).kind).toBe('invalid');
    expect(waits).toEqual([]);
  });

  it('a 429 waits what Retry-After says', async () => {
    stub.fail(2, 429, '2.0');
    await shopifyAdmin(deps, SHOP, TOKEN).verify([]);
    expect(waits).toEqual([2000, 2000]);
  });

  it('a 429 without Retry-After backs off on its own', async () => {
    stub.fail(2, 429);
    await shopifyAdmin(deps, SHOP, TOKEN).verify([]);
    expect(waits).toEqual([1000, 2000]);
  });

  it('5xx answers are retried with backoff', async () => {
    stub.fail(2, 503);
    await shopifyAdmin(deps, SHOP, TOKEN).verify([]);
    expect(waits).toEqual([1000, 2000]);
  });

  it('a store that keeps failing is unavailable after a few tries', async () => {
    stub.fail(20, 500);
    expect((await failure(shopifyAdmin(deps, SHOP, TOKEN).verify([]))).kind).toBe('unavailable');
    expect(stub.requests).toHaveLength(6);
    expect((await failure(clientCredentialsToken(deps, SHOP, stub.client.id, stub.client.secret))).kind).toBe('unavailable');
  });

  it('a store that does not answer at all is unavailable', async () => {
    const gone = { ...deps, origin: 'http://127.0.0.1:9' };
    expect((await failure(shopifyAdmin(gone, SHOP, TOKEN).verify([]))).kind).toBe('unavailable');
  });
});

describe('webhooks', () => {
  const TOPICS = ['INVENTORY_LEVELS_UPDATE', 'PRODUCTS_UPDATE', 'APP_UNINSTALLED'];
  const URI = 'https://waitline.example.com/v1/webhooks/shopify';

  it('registering twice makes each subscription once, and deleting removes them', async () => {
    const admin = shopifyAdmin(deps, SHOP, TOKEN);
    const first = await admin.registerWebhooks(URI, TOPICS);
    expect(first.map((s) => s.topic)).toEqual(TOPICS);
    expect(first.every((s) => s.id.startsWith('gid://shopify/WebhookSubscription/'))).toBe(true);
    const again = await admin.registerWebhooks(URI, TOPICS);
    expect(again).toEqual(first);
    expect(stub.webhooks).toHaveLength(3);
    expect(stub.webhooks.every((w) => w.uri === URI && w.format === 'JSON')).toBe(true);
    expect(graphqlCalls('webhookSubscriptionCreate')).toBe(3);

    await admin.deleteWebhooks(first.map((s) => s.id));
    expect(stub.webhooks).toEqual([]);
    await admin.deleteWebhooks([first[0]!.id]); // already gone: done
  });

  it('a subscription Shopify refuses is an invalid error with its message', async () => {
    const error = await failure(shopifyAdmin(deps, SHOP, TOKEN).registerWebhooks('not a url', ['PRODUCTS_UPDATE']));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('Address is invalid');
  });
});

describe('where requests go', () => {
  const config = (origin: string | null) => ({ shopifyApiOrigin: origin, allowPrivateWebhooks: false }) as Deps['config'];

  it('with SHOPIFY_API_ORIGIN set, every request goes to it', async () => {
    const clock = createTestClock();
    const viaConfig = shopifyAdminDeps({ config: config(stub.url), net: testNet({}).net, clock });
    expect(viaConfig.origin).toBe(stub.url);
    expect((await shopifyAdmin(viaConfig, SHOP, TOKEN).verify([])).name).toBe('Stub Store');
  });

  it.each(['shop.example.com', 'evil.com#.myshopify.com', 'x.myshopify.com.evil.com', 'a.myshopify.com/admin', 'A.MYSHOPIFY.COM'])(
    'a shop named %s is refused before any request, so no secret leaves',
    async (shop) => {
      const { net, lookups } = testNet({});
      const guarded = shopifyAdminDeps({ config: config(null), net, clock: createTestClock() });
      expect((await failure(clientCredentialsToken(guarded, shop, 'id', 'secret'))).kind).toBe('invalid');
      expect((await failure(shopifyAdmin(deps, shop, TOKEN).verify([]))).kind).toBe('invalid');
      expect(lookups).toEqual([]);
      expect(stub.requests).toEqual([]);
    },
  );

  it.each([
    ['a private address', '10.0.0.5'],
    ['loopback', '127.0.0.1'],
    ['the metadata address', '169.254.169.254'],
  ])('without it, a shop domain resolving to %s is refused before any connection', async (_, address) => {
    const { net, lookups, connects } = testNet({ 'evil-store.myshopify.com': [address] });
    const guarded = shopifyAdminDeps({ config: config(null), net, clock: createTestClock() });
    const token = await failure(clientCredentialsToken(guarded, 'evil-store.myshopify.com', 'id', 'secret'));
    expect(token).toMatchObject({ kind: 'invalid' });
    expect(token.message).toContain('not allowed');
    expect((await failure(shopifyAdmin(guarded, 'evil-store.myshopify.com', TOKEN).verify([]))).kind).toBe('invalid');
    expect(lookups).toContain('evil-store.myshopify.com');
    expect(connects).toEqual([]);
  });
});
