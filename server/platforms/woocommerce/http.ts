import { createHmac, randomBytes } from 'node:crypto';
import { StoreError, type StoreApiDeps } from '../store.ts';

/** A store as the client reaches it: its normalised base URL (see normaliseStoreUrl) and one REST API key. */
export interface WooStore {
  url: string;
  consumerKey: string;
  consumerSecret: string;
}

/** The answer to one request, the body read as JSON when it is; `error` is WooCommerce's own `{code, message}`. */
export interface WooAnswer {
  status: number;
  headers: Record<string, string>;
  json: unknown;
  error: { code: string; message: string } | null;
}

export interface CallOptions {
  query?: Record<string, string | number>;
  body?: unknown;
  /** The public /wp-json/ index needs no key, and is not sent one. */
  auth?: boolean;
  /**
   * A refund must not be sent twice: only answers that say the request was never taken (429, 503) are
   * retried, never a lost connection or another 5xx after which the gateway may have paid out.
   */
  once?: boolean;
}

/** 1 try and 4 retries, waiting 1s, 2s, 4s, 8s (or what Retry-After says). */
const TRIES = 5;
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * The store's address as Waitline keeps it: http(s) only, host lower-cased, no credentials, query, hash or
 * trailing slash. A path stays: WordPress may live under one (https://example.com/shop).
 */
export function normaliseStoreUrl(input: string): string {
  const trimmed = input.trim();
  const url = URL.canParse(trimmed) ? new URL(trimmed) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    throw new StoreError('invalid', 'The store address must be an http:// or https:// URL, like https://shop.example');
  }
  if (url.username || url.password) throw new StoreError('invalid', 'The store address must not carry a user name or password');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}

/** Percent-encoding as RFC 3986 §2.3 leaves only unreserved characters (encodeURIComponent spares !'()*). */
export const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * OAuth 1.0a one-legged signing, in the query string, as WooCommerce asks over plain http
 * (https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication-over-http): HMAC-SHA256 with the key
 * `consumer_secret&`, over METHOD & the URL without its query & every query parameter, sorted and encoded
 * (RFC 5849 §3.4.1). Answers the query parameters to send, oauth_signature included.
 */
export function oauthSigned(
  method: string,
  baseUrl: string,
  query: Record<string, string>,
  keys: { consumerKey: string; consumerSecret: string },
  timestamp: number,
  nonce: string,
): Record<string, string> {
  const params: Record<string, string> = {
    ...query,
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(timestamp),
  };
  const pairs = Object.entries(params)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = `${method.toUpperCase()}&${rfc3986(baseUrl)}&${rfc3986(pairs)}`;
  const signature = createHmac('sha256', `${keys.consumerSecret}&`).update(base).digest('base64');
  return { ...params, oauth_signature: signature };
}

const queryString = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');

function retryAfterMs(headers: Record<string, string>): number | null {
  const seconds = Number(headers['retry-after'] ?? NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : null;
}

/** WordPress plugins often print a notice or a BOM before the JSON; only a clean body counts. */
function readJson(body: string): unknown {
  try {
    return JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/** WooCommerce's (WP_Error's) error body: {code, message, data: {status}}. */
function wooError(json: unknown): WooAnswer['error'] {
  if (!json || typeof json !== 'object') return null;
  const { code, message } = json as Record<string, unknown>;
  if (typeof code !== 'string') return null;
  return { code: code.slice(0, 100), message: typeof message === 'string' ? message.slice(0, 200) : '' };
}

/**
 * A 5xx is retried as a passing fault, unless WooCommerce itself answered it with its error body: then it is
 * WooCommerce's decision (a gateway that refused a refund answers 500) and asking again changes nothing.
 */
const retryable = (answer: WooAnswer, once: boolean) =>
  once ? answer.status === 429 || (answer.status === 503 && !answer.error) : answer.status === 429 || (answer.status >= 500 && !answer.error);

/**
 * Requests to one store: `path` is under the store's URL (/wp-json/wc/v3/products). Over https the key goes as
 * HTTP Basic; over http WooCommerce ignores Basic and wants OAuth 1.0a, signed afresh (new nonce) on each try.
 */
export function wooHttp(deps: StoreApiDeps, store: WooStore) {
  const https = store.url.startsWith('https:');
  const host = new URL(store.url).host;
  const basic = `Basic ${Buffer.from(`${store.consumerKey}:${store.consumerSecret}`).toString('base64')}`;

  function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: CallOptions) {
    const base = `${store.url}${path}`;
    const query = Object.fromEntries(Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)]));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Waitline' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let params = query;
    if (options.auth !== false) {
      if (https) headers.authorization = basic;
      else params = oauthSigned(method, base, query, store, Math.floor(deps.now().getTime() / 1000), randomBytes(16).toString('hex'));
    }
    const qs = queryString(params);
    const init = { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) };
    return deps.http(qs ? `${base}?${qs}` : base, init);
  }

  /** One call, retried after 429 (Retry-After) and passing 5xx faults; answers the first answer worth reading. */
  return async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: CallOptions = {}): Promise<WooAnswer> {
    let last = '';
    for (let attempt = 0; attempt < TRIES; attempt++) {
      let answer: WooAnswer;
      try {
        const res = await request(method, path, options);
        const json = readJson(res.body);
        answer = { status: res.status, headers: res.headers, json, error: res.status >= 400 ? wooError(json) : null };
      } catch (error) {
        if (error instanceof StoreError && error.kind === 'refused_address') throw error;
        last = 'did not answer';
        if (options.once) throw new StoreError('unavailable', `${host} did not answer; the request may or may not have been made`);
        if (attempt < TRIES - 1) await deps.sleep(1000 * 2 ** attempt);
        continue;
      }
      if (!retryable(answer, options.once ?? false)) return answer;
      last = `answered ${answer.status}`;
      if (attempt < TRIES - 1) await deps.sleep((answer.status === 429 ? retryAfterMs(answer.headers) : null) ?? 1000 * 2 ** attempt);
    }
    throw new StoreError('unavailable', `${host} ${last} ${TRIES} times; try again later`);
  };
}

export type WooCall = ReturnType<typeof wooHttp>;

const WRITE_REFUSED = new Set(['woocommerce_rest_cannot_create', 'woocommerce_rest_cannot_edit', 'woocommerce_rest_cannot_delete']);

/**
 * A 401 for the key's permission, not its secret: a Read-only key writing (WooCommerce answers "does not have
 * write permissions"), a Write-only key reading, or a key whose user may not create or edit.
 */
export const permissionRefused = (answer: WooAnswer) =>
  answer.status === 401 && !!answer.error && (WRITE_REFUSED.has(answer.error.code) || /does not have (read|write) permission/i.test(answer.error.message));

/** A status that is not 2xx, as the kind the services act on; `what` says what was asked ("reading product 12"). */
export function statusError(answer: WooAnswer, what: string): StoreError {
  const said = answer.error ? ` (${answer.error.code}${answer.error.message ? `: ${answer.error.message}` : ''})` : '';
  if (permissionRefused(answer)) return new StoreError('forbidden', `WooCommerce refused ${what}: the REST API key needs Read/Write permission`);
  if (answer.status === 401) return new StoreError('unauthorized', `WooCommerce refused ${what}: the consumer key or secret was refused${said}`);
  if (answer.status === 403) return new StoreError('forbidden', `WooCommerce refused ${what}: the key's user may not do this${said}`);
  if (answer.status === 404 && answer.error?.code === 'rest_no_route') {
    return new StoreError('not_found', `WooCommerce's REST API (wc/v3) does not answer here: is WooCommerce active, and up to date?`);
  }
  if (answer.status === 404) return new StoreError('not_found', `WooCommerce has nothing to answer ${what}${said}`);
  // Only a request sent once (a refund) gets here with a 5xx that is not WooCommerce's own answer.
  if (answer.status >= 500 && !answer.error) return new StoreError('unavailable', `The store answered ${answer.status} to ${what}: check it on WooCommerce before trying again`);
  return new StoreError('invalid', `WooCommerce answered ${answer.status} to ${what}${said}`);
}
