import { z } from 'zod';
import { StoreError, type StoreApi, type StoreApiDeps, type StoreInfo } from '../store.ts';
import { parseRef, productShape, storeProduct } from './catalog.ts';
import { bigCommerceCall, type BigCommerceStore, type Call } from './http.ts';
import { order, refund, refunds, shipments } from './orders.ts';
import { count, id, read, v3List, v3One } from './shapes.ts';

export { STORE_HASH } from './http.ts';

/**
 * What Waitline listens to: a variant's or a product's stock changing (by the merchant, an app or an
 * order), an order placed, and an order's status changing (paid, cancelled, shipped, refunded).
 * https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const BIGCOMMERCE_TOPICS = ['store/sku/inventory/updated', 'store/product/inventory/updated', 'store/order/created', 'store/order/statusUpdated'] as const;

/**
 * BigCommerce does not sign callbacks; it sends back the headers a webhook was created with. Each
 * webhook carries its secret in this one, which the receiver compares.
 * https://developer.bigcommerce.com/docs/integrations/webhooks#webhook-security
 */
export const BIGCOMMERCE_SECRET_HEADER = 'X-Waitline-Webhook-Secret';

const PER_PAGE = 50;
/** BigCommerce's largest `limit`, and as many ids as one `id:in` filter is given. */
const BATCH = 250;
/** Every store has location 1, its default; Waitline keeps stock there. */
const DEFAULT_LOCATION = 1;

const storeShape = z.object({
  name: z.string().min(1).transform((n) => n.slice(0, 255)),
  domain: z.string().nullish(),
  secure_url: z.string().nullish(),
  currency: z.string().regex(/^[A-Za-z]{3}$/).transform((c) => c.toUpperCase()),
});

const originOf = (url: string | null | undefined) => {
  if (!url || !URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
};

/**
 * Reads the connection needs, each naming the OAuth scope a 403 means is missing. Stock is moved
 * through the Inventory API, which has its own scope.
 * https://developer.bigcommerce.com/docs/start/authentication/api-accounts#oauth-scopes
 */
const SCOPE_CHECKS: Array<{ path: string; scope: string }> = [
  { path: '/v3/catalog/products?limit=1', scope: 'Products (modify: stock is read from the catalog)' },
  { path: '/v3/inventory/items?limit=1', scope: 'Store Inventory (modify: Waitline adjusts stock)' },
  { path: '/v2/orders?limit=1', scope: 'Orders (modify: Waitline refunds cancelled backorders)' },
  { path: '/v3/hooks', scope: 'Information & Settings (read-only, for webhooks)' },
];

/** The REST API of one BigCommerce store, as the StoreApi every service uses. */
export function bigCommerceApi(deps: StoreApiDeps, store: BigCommerceStore): StoreApi {
  const call = bigCommerceCall(deps, store);

  return {
    platform: 'bigcommerce',

    /** https://developer.bigcommerce.com/docs/rest-management/store-information#get-store-information */
    async verify(): Promise<StoreInfo> {
      const answer = await call('GET', '/v2/store', { pass: [404], scope: 'Information & Settings (read-only)' });
      if (answer.status === 404) throw new StoreError('not_found', 'No BigCommerce store has this store hash');
      const info = read(storeShape, answer.json, 'the store information');
      for (const check of SCOPE_CHECKS) await call('GET', check.path, { scope: check.scope });
      const origins = [...new Set([originOf(info.secure_url), originOf(info.domain ? `https://${info.domain}` : null)].filter((o): o is string => o !== null))];
      if (origins.length === 0) throw new StoreError('invalid', 'BigCommerce did not say the storefront address');
      return { name: info.name, origins, currency: info.currency };
    },

    /** https://developer.bigcommerce.com/docs/integrations/webhooks (POST /v3/hooks, DELETE /v3/hooks/{id}) */
    async registerWebhooks(deliveryUrl, secretFor) {
      const made: Array<{ topic: string; id: string }> = [];
      try {
        for (const scope of BIGCOMMERCE_TOPICS) {
          const body = { scope, destination: deliveryUrl, is_active: true, events_history_enabled: true, headers: { [BIGCOMMERCE_SECRET_HEADER]: secretFor(scope) } };
          const { json } = await call('POST', '/v3/hooks', { body, scope: 'Information & Settings' });
          made.push({ topic: scope, id: read(v3One(z.object({ id })), json, 'a webhook').data.id });
        }
      } catch (error) {
        await deleteHooks(call, made.map((m) => m.id)).catch(() => {});
        throw error;
      }
      return made;
    },

    deleteWebhooks: (ids) => deleteHooks(call, ids),

    async catalogPage(cursor) {
      const page = cursor === null ? 1 : Number(cursor);
      if (!Number.isInteger(page) || page < 1) throw new StoreError('invalid', 'A BigCommerce catalog cursor is a page number');
      const { json } = await call('GET', `/v3/catalog/products?include=variants,images&limit=${PER_PAGE}&page=${page}`, { scope: 'Products' });
      const answer = read(v3List(productShape), json, 'a catalog page');
      const totalPages = answer.meta?.pagination?.total_pages ?? 0;
      return { products: answer.data.map(storeProduct), next: page < totalPages ? String(page + 1) : null, variantsTotal: null };
    },

    async product(productId) {
      if (!/^\d+$/.test(productId)) throw new StoreError('invalid', 'A BigCommerce product id is numeric');
      const answer = await call('GET', `/v3/catalog/products/${productId}?include=variants,images`, { pass: [404], scope: 'Products' });
      return answer.status === 404 ? null : storeProduct(read(v3One(productShape), answer.json, 'a product').data);
    },

    stockLevels: (refs) => stockLevels(call, refs),

    /**
     * A relative adjustment at the default location, then the level read back: the Inventory API
     * answers only a transaction id.
     * https://developer.bigcommerce.com/docs/rest-management/inventory/adjustments
     */
    async adjustStock(ref, delta, reason) {
      const parsed = parseRef(ref);
      if (!parsed) throw new StoreError('invalid', `Not a BigCommerce stock reference: ${ref.slice(0, 40)}`);
      if (!Number.isInteger(delta)) throw new StoreError('invalid', 'A stock change is a whole number of units');
      if (delta !== 0) {
        const item = parsed.variantId ? { location_id: DEFAULT_LOCATION, variant_id: Number(parsed.variantId), quantity: delta } : { location_id: DEFAULT_LOCATION, product_id: Number(parsed.productId), quantity: delta };
        const answer = await call('POST', '/v3/inventory/adjustments/relative', { body: { reason: reason.slice(0, 255), items: [item] }, pass: [422], scope: 'Store Inventory (modify)' });
        if (answer.status === 422) {
          const title = (answer.json as { title?: unknown } | null)?.title;
          throw new StoreError('invalid', `BigCommerce refused the stock change${typeof title === 'string' ? `: ${title.slice(0, 120)}` : ''}`);
        }
        read(z.object({ transaction_id: z.string() }), answer.json, 'a stock adjustment');
      }
      const path = parsed.variantId ? `/v3/catalog/products/${parsed.productId}/variants/${parsed.variantId}` : `/v3/catalog/products/${parsed.productId}`;
      const { json } = await call('GET', path, { scope: 'Products' });
      return read(v3One(z.object({ inventory_level: count })), json, 'a stock level').data.inventory_level;
    },

    order: (orderId) => order(call, orderId),
    shipments: (orderId) => shipments(call, orderId),
    refunds: (orderId) => refunds(call, orderId),
    refund: (input) => refund(call, input),
  };
}

async function deleteHooks(call: Call, ids: readonly string[]): Promise<void> {
  for (const hookId of ids) {
    if (!/^\d+$/.test(hookId)) continue;
    await call('DELETE', `/v3/hooks/${hookId}`, { pass: [404], scope: 'Information & Settings' });
  }
}

const inList = (ids: string[]) => ids.join(',');
function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/**
 * Levels for product refs (`12`) and variant refs (`12/34`), 250 ids a request. A ref counts only while
 * its product still tracks stock that way: a product switched to variant tracking, or to none, no
 * longer has a level under its old ref.
 * https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products (id:in)
 * https://developer.bigcommerce.com/docs/rest-catalog/product-variants#get-all-variants (id:in)
 */
async function stockLevels(call: Call, refs: string[]): Promise<Map<string, number>> {
  const parsed = refs.flatMap((ref) => {
    const p = parseRef(ref);
    return p ? [{ ref, ...p }] : [];
  });
  const tracking = new Map<string, { how: string; level: number }>();
  const productRow = z.object({ id, inventory_tracking: z.string(), inventory_level: count.nullish() });
  for (const ids of batches([...new Set(parsed.map((p) => p.productId))])) {
    const { json } = await call('GET', `/v3/catalog/products?id:in=${inList(ids)}&limit=${BATCH}&include_fields=inventory_level,inventory_tracking`, { scope: 'Products' });
    for (const p of read(v3List(productRow), json, 'product stock').data) tracking.set(p.id, { how: p.inventory_tracking, level: p.inventory_level ?? 0 });
  }
  const levels = new Map<string, number>();
  const variantRefs = parsed.filter((p) => p.variantId && tracking.get(p.productId)?.how === 'variant');
  for (const p of parsed) if (!p.variantId && tracking.get(p.productId)?.how === 'product') levels.set(p.ref, tracking.get(p.productId)!.level);
  const variantRow = z.object({ id, product_id: id, inventory_level: count.nullish() });
  for (const batch of batches(variantRefs)) {
    const { json } = await call('GET', `/v3/catalog/variants?id:in=${inList(batch.map((p) => p.variantId!))}&limit=${BATCH}`, { scope: 'Products' });
    const found = new Map(read(v3List(variantRow), json, 'variant stock').data.map((v) => [v.id, v]));
    for (const p of batch) {
      const v = found.get(p.variantId!);
      if (v && v.product_id === p.productId) levels.set(p.ref, v.inventory_level ?? 0);
    }
  }
  return levels;
}
