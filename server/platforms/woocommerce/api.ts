import { z } from 'zod';
import { StoreError, type StoreApi, type StoreApiDeps, type StoreInfo } from '../store.ts';
import { catalogPage, product, WC } from './catalog.ts';
import { statusError, wooHttp, permissionRefused, type WooCall, type WooStore } from './http.ts';
import { order, refund, refunds, shipments } from './orders.ts';
import { parse, title, webUrl, wooId } from './parse.ts';
import { adjustStock, stockLevels } from './stock.ts';

export { normaliseStoreUrl } from './http.ts';
export { wooOrder } from './orders.ts';

/** The webhooks Waitline keeps on a store: restocks and price changes, and orders as they are placed and move on. */
export const WOOCOMMERCE_TOPICS = ['product.updated', 'order.created', 'order.updated'] as const;

/** The WordPress REST index (public): https://developer.wordpress.org/rest-api/reference/ (GET /wp-json/). */
const siteSchema = z.object({ name: title, url: webUrl, home: webUrl, namespaces: z.array(z.string()).nullish().catch(null) });

/** https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-settings-options */
const settingsSchema = z.array(z.object({ id: z.string(), value: z.unknown() }).catch({ id: '', value: null }));

const origin = (url: string | null) => (url && URL.canParse(url) ? new URL(url).origin : null);

async function verify(call: WooCall, store: WooStore): Promise<StoreInfo> {
  const noStore = () => new StoreError('not_found', `No WooCommerce store answers at ${store.url}`);
  const index = await call('GET', '/wp-json/', { auth: false });
  if (index.status === 404 || (index.status === 200 && (index.json === undefined || typeof index.json !== 'object' || Array.isArray(index.json)))) throw noStore();
  // Some security plugins close the index to visitors; the keys still open the settings below.
  const closed = index.status === 401 || index.status === 403;
  if (index.status !== 200 && !closed) throw statusError(index, 'reading the WordPress site');
  const site = closed ? { name: '', url: null, home: null, namespaces: null } : parse(siteSchema, index.json, 'the WordPress site');
  if (site.namespaces && !site.namespaces.includes('wc/v3')) {
    throw new StoreError('not_found', `WordPress answers at ${store.url}, but not WooCommerce's REST API (wc/v3): is WooCommerce active?`);
  }

  const general = await call('GET', `${WC}/settings/general`);
  if (general.status === 401 && !permissionRefused(general)) throw new StoreError('unauthorized', `WooCommerce at ${store.url} refused the consumer key or secret`);
  if (general.status !== 200) throw statusError(general, 'reading the store settings');
  const currency = parse(settingsSchema, general.json, 'the store settings').find((s) => s.id === 'woocommerce_currency')?.value;
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) throw new StoreError('invalid', 'WooCommerce answered its settings without a currency');

  const origins = [...new Set([origin(site.home), origin(site.url), origin(store.url)].filter((o): o is string => o !== null))];
  return { name: site.name || new URL(store.url).hostname, origins, currency: currency.toUpperCase() };
}

/**
 * One webhook per topic, each signed by WooCommerce with its secret (X-WC-Webhook-Signature).
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-webhook
 */
async function registerWebhooks(call: WooCall, deliveryUrl: string, secretFor: (topic: string) => string) {
  const made: Array<{ topic: string; id: string }> = [];
  try {
    for (const topic of WOOCOMMERCE_TOPICS) {
      const body = { name: `Waitline ${topic}`, topic, delivery_url: deliveryUrl, secret: secretFor(topic), status: 'active' };
      const answer = await call('POST', `${WC}/webhooks`, { body });
      if (permissionRefused(answer)) throw new StoreError('forbidden', 'WooCommerce refused to create webhooks: the REST API key needs Read/Write permission');
      if (answer.status !== 201 && answer.status !== 200) throw statusError(answer, `creating the ${topic} webhook`);
      made.push({ topic, id: parse(z.object({ id: wooId }), answer.json, 'the webhook made').id });
    }
  } catch (error) {
    await deleteWebhooks(call, made.map((w) => w.id)).catch(() => {});
    throw error;
  }
  return made;
}

/** force=true: webhooks cannot be trashed, and WooCommerce refuses a delete without it. */
async function deleteWebhooks(call: WooCall, ids: string[]) {
  for (const id of ids) {
    if (!/^[1-9]\d{0,18}$/.test(id)) continue;
    const answer = await call('DELETE', `${WC}/webhooks/${id}`, { query: { force: 'true' } });
    if (answer.status !== 200 && !(answer.status === 404 && answer.error?.code !== 'rest_no_route')) throw statusError(answer, `deleting webhook ${id}`);
  }
}

/**
 * A WooCommerce store through its REST API v3 (https://woocommerce.github.io/woocommerce-rest-api-docs/),
 * at `store.url` as normaliseStoreUrl gives it, with one REST API key (WooCommerce → Settings → Advanced → REST API).
 */
export function wooCommerceApi(deps: StoreApiDeps, store: { url: string; consumerKey: string; consumerSecret: string }): StoreApi {
  const call = wooHttp(deps, store);
  return {
    platform: 'woocommerce',
    verify: () => verify(call, store),
    registerWebhooks: (deliveryUrl, secretFor) => registerWebhooks(call, deliveryUrl, secretFor),
    deleteWebhooks: (ids) => deleteWebhooks(call, ids),
    catalogPage: (cursor) => catalogPage(call, cursor),
    product: (id) => product(call, id),
    stockLevels: (refs) => stockLevels(call, refs),
    // WooCommerce keeps no reason with a stock change; the parameter is the contract's.
    adjustStock: (ref, delta, _reason) => adjustStock(call, ref, delta),
    order: (id) => order(call, id),
    shipments: (orderId) => shipments(call, orderId),
    refunds: (orderId) => refunds(call, orderId),
    refund: (input) => refund(call, input),
  };
}
