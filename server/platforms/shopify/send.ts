import { ShopifyError } from './errors.ts';
import { refusedAddress, type ShopifyAdminDeps, type ShopifyHttp } from './http.ts';

type Init = Parameters<ShopifyHttp>[1];
type Answer = Awaited<ReturnType<ShopifyHttp>>;

/** Tries per request before a store counts as not answering: about a minute of backoff in all. */
export const MAX_TRIES = 6;
const MAX_WAIT_MS = 30_000;

export const backoffMs = (attempt: number) => Math.min(MAX_WAIT_MS, 1000 * 2 ** attempt);

/**
 * Retry-After on a 429 is in seconds, and Shopify sends decimals ("2.0").
 * https://shopify.dev/docs/api/usage/limits#rate-limits
 */
export function retryAfterMs(headers: Record<string, string>): number | null {
  const raw = headers['retry-after'];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 10 * MAX_WAIT_MS) : null;
}

const retryable = (status: number) => status === 429 || status >= 500;

/**
 * One request to a store, sent again after 429 (waiting what Retry-After says) and after 5xx or a
 * failed connection (waiting longer each time). Answers the first answer worth reading; after
 * MAX_TRIES the store counts as unavailable. An address the guard refuses is never retried.
 */
export async function sendWithRetries(deps: ShopifyAdminDeps, url: string, init: Init, what: string): Promise<Answer> {
  let last = '';
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    let answer: Answer;
    try {
      answer = await deps.http(url, init);
    } catch (error) {
      if (refusedAddress(error)) throw new ShopifyError('invalid', `${what}: the store's address is not allowed`);
      last = 'no answer';
      await deps.sleep(backoffMs(attempt));
      continue;
    }
    if (!retryable(answer.status)) return answer;
    last = `answered ${answer.status}`;
    if (attempt < MAX_TRIES - 1) {
      await deps.sleep(answer.status === 429 ? (retryAfterMs(answer.headers) ?? backoffMs(attempt)) : backoffMs(attempt));
    }
  }
  throw new ShopifyError('unavailable', `${what}: the store ${last} ${MAX_TRIES} times`);
}
