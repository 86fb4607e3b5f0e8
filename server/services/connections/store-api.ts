import type { Connection } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { bigCommerceApi } from '../../platforms/bigcommerce/api.ts';
import type { StoreApi, StorePlatform } from '../../platforms/store.ts';
import { storeApiDeps } from '../../platforms/store-http.ts';
import { wooCommerceApi } from '../../platforms/woocommerce/api.ts';

/**
 * What a WooCommerce or BigCommerce connection keeps sealed: the REST API keys
 * (WooCommerce) or the API account's token (BigCommerce), and the secret of
 * each webhook Waitline registered, by topic: a delivery is checked against
 * its own topic's secret.
 */
export interface StoreCredentials {
  consumerKey?: string;
  consumerSecret?: string;
  accessToken?: string;
  webhookSecrets: Record<string, string>;
}

export const BIGCOMMERCE_API = 'https://api.bigcommerce.com';

export const isStorePlatform = (platform: Connection['platform']): platform is StorePlatform => platform !== 'shopify';

export const storeCredentials = (deps: Pick<Deps, 'secrets'>, connection: Connection): StoreCredentials => deps.secrets.open<StoreCredentials>(connection.credentials);

/**
 * The client for a store. A WooCommerce store's URL is the merchant's, so every
 * request passes the address guard; BigCommerce's API lives at one origin,
 * trusted only when the operator configured it (BIGCOMMERCE_API_ORIGIN).
 */
export function storeApi(deps: Pick<Deps, 'net' | 'config' | 'clock'>, platform: StorePlatform, account: string, credentials: StoreCredentials): StoreApi {
  if (platform === 'woocommerce') {
    return wooCommerceApi(storeApiDeps(deps, false), { url: account, consumerKey: credentials.consumerKey!, consumerSecret: credentials.consumerSecret! });
  }
  const configured = deps.config.bigcommerceApiOrigin;
  return bigCommerceApi(storeApiDeps(deps, configured !== null), { origin: configured ?? BIGCOMMERCE_API, storeHash: account, accessToken: credentials.accessToken! });
}

/** The client of a stored WooCommerce or BigCommerce connection. */
export function apiForConnection(deps: Pick<Deps, 'net' | 'config' | 'clock' | 'secrets'>, connection: Connection): StoreApi {
  if (!isStorePlatform(connection.platform)) throw new Error(`${connection.platform} has its own client`);
  return storeApi(deps, connection.platform, connection.account, storeCredentials(deps, connection));
}
