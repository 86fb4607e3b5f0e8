import type { Shop, Variant } from '../../db/schema/index.ts';

/** Where a shop's stock lives, asked directly when webhooks may have been lost. */
export interface InventoryAdapter {
  readonly name: 'shopify' | 'woocommerce' | 'bigcommerce' | 'none';
  /** Current sellable stock per variant id, for the variants the platform knows. */
  fetchInventory(shop: Shop, variants: Variant[]): Promise<Map<string, number>>;
}
