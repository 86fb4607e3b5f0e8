import { StoreError, type StoreApiDeps } from '../store.ts';

/** Store hashes are short lowercase alphanumerics (`abc123def`); anything else is refused before a request. */
export const STORE_HASH = /^[a-z0-9]{5,20}$/;

export interface BigCommerceStore {
  /** https://api.bigcommerce.com, or BIGCOMMERCE_API_ORIGIN (tests: the stub). */
  origin: string;
  storeHash: string;
  accessToken: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface Answer {
  status: number;
  /** The parsed JSON body; null for 204 and empty bodies. */
  json: unknown;
}
/** One call to the store's API: a path under /stores/{hash}, a body, and the statuses the caller reads itself. */
export type Call = (method: Method, path: string, options?: { body?: unknown; pass?: number[]; scope?: string }) => Promise<Answer>;

/** Four retries after the first try, waiting 1, 2, 4, 8 s (or what the store asks). */
const RETRIES = 4;
const MAX_WAIT_MS = 60_000;

/**
 * How long a 429 asks to wait. BigCommerce sends X-Rate-Limit-Time-Reset-Ms with it; a proxy in front
 * may send Retry-After (seconds), which wins.
 * https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 */
function retryAfterMs(headers: Record<string, string>): number | null {
  const seconds = Number(headers['retry-after'] ?? NaN);
  if (headers['retry-after'] !== undefined && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_WAIT_MS);
  const ms = Number(headers['x-rate-limit-time-reset-ms'] ?? NaN);
  return headers['x-rate-limit-time-reset-ms'] !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_WAIT_MS) : null;
}

/**
 * The short reason BigCommerce gives: v3 errors are `{status, title, type, errors}`, v2 errors
 * `[{status, message}]`. Only that, cut short, reaches a message: never the rest of the body.
 * https://developer.bigcommerce.com/docs/start/about/status-codes
 */
export function errorTitle(json: unknown): string | null {
  const first = Array.isArray(json) ? json[0] : json;
  if (!first || typeof first !== 'object') return null;
  const text = (first as Record<string, unknown>).title ?? (first as Record<string, unknown>).message;
  return typeof text === 'string' && text.trim() ? text.trim().replace(/\s+/g, ' ').slice(0, 120) : null;
}

function parse(body: string): unknown {
  if (!body.trim()) return null;
  try {
    return JSON.parse(body);
  } catch {
    throw new StoreError('invalid', 'BigCommerce answered something that is not JSON');
  }
}

/**
 * The API client of one store: `${origin}/stores/${hash}/…` with its X-Auth-Token. 429 and 5xx (and a
 * request that got no answer) are tried again, then the store counts as unavailable. 401 and 403 are the
 * token's fault; a status in `pass` is answered to the caller; any other failure is 'invalid' with
 * BigCommerce's short title.
 */
export function bigCommerceCall(deps: StoreApiDeps, store: BigCommerceStore): Call {
  const base = `${store.origin.replace(/\/+$/, '')}/stores/${store.storeHash}`;
  const headers = { 'X-Auth-Token': store.accessToken, Accept: 'application/json', 'Content-Type': 'application/json' };

  return async (method, path, options = {}) => {
    // Checked on every call, so the token never goes to a path another hash would name.
    if (!STORE_HASH.test(store.storeHash)) throw new StoreError('invalid', 'A BigCommerce store hash is 5 to 20 lowercase letters and digits (as in the API path /stores/abc123def)');
    const init = { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) };
    let last = '';
    for (let attempt = 0; ; attempt++) {
      let answer: Awaited<ReturnType<StoreApiDeps['http']>> | null = null;
      try {
        answer = await deps.http(base + path, init);
      } catch (error) {
        if (error instanceof StoreError && error.kind === 'refused_address') throw error;
        last = 'did not answer';
      }
      if (answer && answer.status !== 429 && answer.status < 500) return settle(answer, options);
      if (answer) last = `answered ${answer.status}`;
      if (attempt >= RETRIES) throw new StoreError('unavailable', `BigCommerce ${last} ${attempt + 1} times; try again later`);
      const asked = answer?.status === 429 ? retryAfterMs(answer.headers) : null;
      await deps.sleep(asked ?? 1000 * 2 ** attempt);
    }
  };
}

function settle(answer: { status: number; body: string }, options: { pass?: number[]; scope?: string }): Answer {
  const { status } = answer;
  if ((status >= 200 && status < 300) || options.pass?.includes(status)) {
    return { status, json: status === 204 ? null : status >= 300 ? safeParse(answer.body) : parse(answer.body) };
  }
  const title = errorTitle(safeParse(answer.body));
  if (status === 401) throw new StoreError('unauthorized', 'BigCommerce refused the access token (401): check it was copied whole and the API account still exists');
  if (status === 403) {
    const scope = options.scope ? `: give the API account the ${options.scope} OAuth scope` : '';
    throw new StoreError('forbidden', `The access token lacks a scope for this (403)${scope}`);
  }
  if (status === 404) throw new StoreError('not_found', `BigCommerce has no such object (404)${title ? `: ${title}` : ''}`);
  throw new StoreError('invalid', `BigCommerce refused the request (${status})${title ? `: ${title}` : ''}`);
}

/** An error body is only read for its title: one that is not JSON has none. */
function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
