import type { Shop, Variant } from '../../../db/schema/index.ts';
import type { InventoryAdapter } from '../types.ts';
import { numericId } from './catalog.ts';
import { graphqlClient } from './graphql.ts';
import type { ShopifyAdminDeps } from './http.ts';

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

/**
 * Each item is priced at 1 + 2 + 50 × 3 points before it runs (its 50 possible levels, each a level,
 * a location and quantities), and Shopify refuses a query over 1,000: so 6 items a request.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
const PAGE = 6;

type Answer = { nodes: Array<{ id: string; inventoryLevels: { edges: Level[] } } | null> };

/** One inventory item's `available` per location, read now. */
export async function itemLevels(graphql: ReturnType<typeof graphqlClient>, inventoryItemId: string): Promise<Array<{ locationId: string; available: number }>> {
  const answer = await graphql<Answer>(INVENTORY_QUERY, { ids: [`gid://shopify/InventoryItem/${inventoryItemId}`] });
  return (answer.nodes[0]?.inventoryLevels.edges ?? []).map((e) => ({
    locationId: numericId(e.node.location.id),
    available: e.node.quantities.find((q) => q.name === 'available')?.quantity ?? 0,
  }));
}

/**
 * Reads inventory through the Shopify Admin GraphQL API with the shop's access
 * token: each variant's inventory item, summed over the locations the shop
 * counts. Pages wait on the cost bucket and retry like every Admin API call; a pass
 * that still fails is logged and the next pass asks again.
 */
export function shopifyAdapter(deps: ShopifyAdminDeps, accessToken: string): InventoryAdapter {
  return {
    name: 'shopify',
    async fetchInventory(shop: Shop, variants: Variant[]) {
      const settings = shop.settings.shopify;
      const out = new Map<string, number>();
      if (!settings) return out;
      const byItem = new Map(variants.filter((v) => v.inventoryItemId).map((v) => [v.inventoryItemId!, v.id]));
      const items = [...byItem.keys()];
      const graphql = graphqlClient(deps, settings.domain, accessToken);
      for (let i = 0; i < items.length; i += PAGE) {
        const ids = items.slice(i, i + PAGE).map((id) => `gid://shopify/InventoryItem/${id}`);
        const answer = await graphql<Answer>(INVENTORY_QUERY, { ids });
        for (const node of answer.nodes) {
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
