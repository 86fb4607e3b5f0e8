import { Conflict, sqliteCode } from '../../lib/errors.ts';

/**
 * Runs a write of `shops.shopify_domain`; the unique index refusing it becomes a 409
 * naming the field. The index, not a look-up first, decides: two shops claiming one
 * domain at once cannot both pass.
 */
export function claimingShopifyDomain<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && /shops\.shopify_domain/.test(messages(error))) {
      throw Conflict('This Shopify domain is connected to another shop', 'shopify.domain');
    }
    throw error;
  }
}

const messages = (error: unknown): string => (error instanceof Error ? `${error.message}\n${messages(error.cause)}` : '');
