import { parseJson, ShopifyError, statusError } from './errors.ts';
import { SHOPIFY_API_VERSION, storeOrigin, type ShopifyAdminDeps } from './http.ts';
import { sendWithRetries } from './send.ts';

/**
 * Every Admin GraphQL answer reports the app's cost bucket for this store.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
interface Cost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }> | string;
  extensions?: { cost?: Cost };
}

/** A query that keeps being throttled after this many waits points at a bucket that never refills. */
const MAX_THROTTLED = 20;

/**
 * What we last heard of the bucket. Waiting uses only that, not the time since: the store's own
 * count is what decides, and erring towards a slightly longer wait is harmless.
 */
class Bucket {
  private available: number | null = null;
  private restoreRate = 50;
  private readonly costs = new Map<string, number>();

  /** Sleeps until a query that cost `requested` last time should fit in the bucket. */
  async waitFor(query: string, sleep: (ms: number) => Promise<void>) {
    const need = this.costs.get(query);
    if (need === undefined || this.available === null || this.available >= need) return;
    await sleep(this.refillMs(need));
    this.available = need;
  }

  note(query: string, cost: Cost | undefined) {
    if (!cost?.throttleStatus) return;
    this.available = cost.throttleStatus.currentlyAvailable;
    this.restoreRate = cost.throttleStatus.restoreRate || this.restoreRate;
    if (typeof cost.requestedQueryCost === 'number') this.costs.set(query, cost.requestedQueryCost);
  }

  refillMs(need: number) {
    return Math.ceil((Math.max(0, need - (this.available ?? 0)) / this.restoreRate) * 1000);
  }
}

const throttled = (answer: GraphqlAnswer<unknown>) =>
  Array.isArray(answer.errors) && answer.errors.some((e) => e.extensions?.code === 'THROTTLED');

function errorMessages(errors: GraphqlAnswer<unknown>['errors']): string {
  if (typeof errors === 'string') return errors;
  return (errors ?? []).map((e) => e.message ?? 'error').join('; ');
}

/**
 * POST /admin/api/{SHOPIFY_API_VERSION}/graphql.json with the store's token. Waits on the cost bucket, retries
 * a THROTTLED answer once the bucket should hold the query, and leaves 429, 5xx and lost
 * connections to sendWithRetries.
 * https://shopify.dev/docs/api/admin-graphql/2025-10
 */
export function graphqlClient(deps: ShopifyAdminDeps, shop: string, accessToken: string) {
  const bucket = new Bucket();
  const what = 'Shopify Admin API';

  return async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const url = `${storeOrigin(deps, shop)}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;
    for (let waits = 0; ; waits++) {
      await bucket.waitFor(query, deps.sleep);
      const res = await sendWithRetries(deps, url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': accessToken },
        body: JSON.stringify({ query, variables }),
      }, what);
      if (res.status < 200 || res.status >= 300) throw statusError(res.status, what);
      const answer = parseJson<GraphqlAnswer<T>>(res.body, what);
      bucket.note(query, answer.extensions?.cost);
      if (throttled(answer)) {
        if (waits >= MAX_THROTTLED) throw new ShopifyError('unavailable', `${what}: still throttled after ${waits} waits`);
        const requested = answer.extensions?.cost?.requestedQueryCost ?? 0;
        const bucketSize = answer.extensions?.cost?.throttleStatus?.maximumAvailable ?? Infinity;
        if (requested > bucketSize) throw new ShopifyError('invalid', `${what}: a query costing ${requested} never fits a bucket of ${bucketSize}`);
        // The bucket above was told the cost, so the next waitFor sleeps; a bare THROTTLED still waits a second.
        if (requested === 0) await deps.sleep(1000);
        continue;
      }
      if (answer.errors) throw new ShopifyError('invalid', `${what}: ${errorMessages(answer.errors)}`);
      if (!answer.data) throw new ShopifyError('invalid', `${what}: an answer without data`);
      return answer.data;
    }
  };
}
