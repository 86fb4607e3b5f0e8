import type { Shop, Variant } from '../../db/schema/index.ts';
import type { InventoryAdapter } from './types.ts';

export const SHOPIFY_API_VERSION = '2025-10';

/** Available quantities per location for a page of inventory items (Admin GraphQL API). */
export const INVENTORY_QUERY = `query WaitlineInventory($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevels(first: 50) {
        edges { node { location { id } quantities(names: ["available"]) { name quantity } } }
      }
    }
  }
}`;

interface Level {
  node: { location: { id: string }; quantities: Array<{ name: string; quantity: number }> };
}

const PAGE = 100;
const numericId = (gid: string) => gid.match(/(\d+)$/)?.[1] ?? gid;

/**
 * Reads inventory through the Shopify Admin GraphQL API with the shop's access
 * token: each variant's inventory item, summed over the locations the shop
 * counts. `apiUrl` replaces https://{domain} (tests use a local stub).
 */
export function shopifyAdapter(apiUrl: string | null, fetchFn: typeof fetch = fetch): InventoryAdapter {
  return {
    name: 'shopify',
    async fetchInventory(shop: Shop, variants: Variant[]) {
      const settings = shop.settings.shopify;
      const out = new Map<string, number>();
      if (!settings?.accessToken) return out;
      const byItem = new Map(variants.filter((v) => v.inventoryItemId).map((v) => [v.inventoryItemId!, v.id]));
      const items = [...byItem.keys()];
      for (let i = 0; i < items.length; i += PAGE) {
        const ids = items.slice(i, i + PAGE).map((id) => `gid://shopify/InventoryItem/${id}`);
        const res = await fetchFn(`${apiUrl ?? `https://${settings.domain}`}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': settings.accessToken },
          body: JSON.stringify({ query: INVENTORY_QUERY, variables: { ids } }),
          signal: AbortSignal.timeout(15_000),
        });
        if (!res.ok) throw new Error(`Shopify answered ${res.status}`);
        const body = (await res.json()) as { data?: { nodes: Array<{ id: string; inventoryLevels: { edges: Level[] } } | null> }; errors?: unknown };
        if (body.errors || !body.data) throw new Error(`Shopify GraphQL errors: ${JSON.stringify(body.errors ?? 'no data')}`);
        for (const node of body.data.nodes) {
          if (!node) continue;
          const variantId = byItem.get(numericId(node.id));
          if (!variantId) continue;
          const total = node.inventoryLevels.edges
            .filter((e) => !settings.locations || settings.locations.includes(numericId(e.node.location.id)))
            .reduce((n, e) => n + (e.node.quantities.find((q) => q.name === 'available')?.quantity ?? 0), 0);
          out.set(variantId, total);
        }
      }
      return out;
    },
  };
}
