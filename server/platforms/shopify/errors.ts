/**
 * Why a call to a store's Admin API failed, in the few kinds the Connect page explains to a merchant,
 * and the three an inventory move (reserve.ts) adds for the job that retries it:
 * - 'in_progress': the same idempotency key is still being worked on; retry later with the SAME key.
 * - 'retry_with_new_key': a previous request under this key failed; retry with a NEW key.
 * - 'insufficient_quantity': the `from` state holds less than the move; nothing moved.
 * And one a refund (refunds.ts) adds:
 * - 'not_refundable': the order no longer holds that many refundable units (or that much money); nothing refunded.
 */
export type ShopifyErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'missing_scopes'
  | 'not_found'
  | 'unavailable'
  | 'invalid'
  | 'in_progress'
  | 'retry_with_new_key'
  | 'insufficient_quantity'
  | 'not_refundable';

export class ShopifyError extends Error {
  readonly kind: ShopifyErrorKind;
  /** Set with kind 'missing_scopes': each required scope the app was not granted. */
  readonly missingScopes?: string[];

  constructor(kind: ShopifyErrorKind, message: string, missingScopes?: string[]) {
    super(message);
    this.name = 'ShopifyError';
    this.kind = kind;
    if (missingScopes) this.missingScopes = missingScopes;
  }
}

/** A status that is not 2xx and not worth retrying, as the kind the caller can act on. */
export function statusError(status: number, what: string): ShopifyError {
  if (status === 401) return new ShopifyError('unauthorized', `${what}: the access token was refused (401)`);
  if (status === 403) return new ShopifyError('forbidden', `${what}: the app may not do this (403)`);
  if (status === 404) return new ShopifyError('not_found', `${what}: no such store (404)`);
  if (status === 402 || status === 423) return new ShopifyError('unavailable', `${what}: the store is frozen or locked (${status})`);
  return new ShopifyError('invalid', `${what}: answered ${status}`);
}

/** JSON.parse quotes what it could not read; our errors carry no part of a stranger's answer. */
export function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ShopifyError('invalid', `${what}: the answer was not JSON`);
  }
}
