import type { Deps } from '../context.ts';
import { guardedRequest, OutboundError } from '../net/guarded.ts';
import { StoreError, type StoreApiDeps, type StoreHttp } from './store.ts';

const TIMEOUT_MS = 30_000;
/** A page of 100 products with their variations is well under this. */
const MAX_ANSWER = 16 * 1024 * 1024;

/** An origin the operator configured (BIGCOMMERCE_API_ORIGIN) is trusted: plain fetch, redirects not followed. */
export const trustedStoreHttp: StoreHttp = async (url, init) => {
  const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
};

/**
 * A merchant-given address (a WooCommerce store URL) goes through the address
 * guard like every outbound webhook: private, loopback and metadata addresses
 * are refused on the resolved address, redirects are not followed. A refused
 * address becomes StoreError `refused_address`; any other failure to get an
 * answer, `unavailable`.
 */
export const guardedStoreHttp =
  (deps: Pick<Deps, 'net' | 'config'>): StoreHttp =>
  async (url, init) => {
    try {
      return await guardedRequest(deps.net, url, { ...init, allowPrivate: deps.config.allowPrivateWebhooks, timeoutMs: TIMEOUT_MS, maxBody: MAX_ANSWER });
    } catch (error) {
      if (error instanceof OutboundError && /address not allowed|invalid URL/.test(error.message)) {
        throw new StoreError('refused_address', `${new URL(url).host} resolves to an address Waitline does not call (private, loopback or metadata)`);
      }
      throw new StoreError('unavailable', `${new URL(url).host} did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

/** The client deps for a Deps: guarded unless the origin is the operator's own. */
export const storeApiDeps = (deps: Pick<Deps, 'net' | 'config' | 'clock'>, trusted: boolean): StoreApiDeps => ({
  http: trusted ? trustedStoreHttp : guardedStoreHttp(deps),
  sleep: (ms) => deps.clock.sleep(ms),
  now: () => deps.clock.now(),
});
