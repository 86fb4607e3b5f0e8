import { expect } from 'vitest';
import { ShopifyError, shopifyAdmin, type ShopifyAdmin, type ShopifyAdminDeps } from '../../server/platforms/shopify/admin.ts';
import { trustedHttp } from '../../server/platforms/shopify/http.ts';
import type { ShopifyStub } from '../stubs/shopify-stub.ts';

/**
 * The real Admin API client against the stub. Every wait it asks for is kept in
 * `waits` and moves the stub's time on, as really waiting would.
 */
export function stubAdmin(stub: ShopifyStub, shop: string, token: string): { admin: ShopifyAdmin; deps: ShopifyAdminDeps; waits: number[] } {
  const waits: number[] = [];
  const deps: ShopifyAdminDeps = {
    origin: stub.url,
    http: trustedHttp,
    sleep: async (ms) => {
      waits.push(ms);
      stub.elapse(ms);
    },
  };
  return { admin: shopifyAdmin(deps, shop, token), deps, waits };
}

/** The ShopifyError a call ends in; the test fails if it succeeds or throws anything else. */
export async function shopifyFailure(promise: Promise<unknown>): Promise<ShopifyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ShopifyError);
  return error as ShopifyError;
}
