import { Conflict, uniqueViolation } from '../../lib/errors.ts';

/**
 * Runs a write of `shops.shopify_domain` (a whole transaction: on PostgreSQL a
 * refused statement aborts the transaction it is in); the unique index refusing
 * it becomes a 409 naming the field. The index, not a look-up first, decides:
 * two shops claiming one domain at once cannot both pass.
 */
export async function claimingShopifyDomain<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // SQLite names the column (`shops.shopify_domain`), PostgreSQL the index (`shops_shopify_domain_idx`).
    if (/shops[._]shopify_domain/.test(uniqueViolation(error) ?? '')) {
      throw Conflict('This Shopify domain is connected to another shop', 'shopify.domain');
    }
    throw error;
  }
}
