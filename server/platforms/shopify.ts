import type { Shop, Variant } from '../../db/schema/index.ts';
import { guardedRequest, type OutboundNet } from '../net/guarded.ts';
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
const TIMEOUT_MS = 15_000;
/** A page of 100 items with 50 locations each stays well under this. */
const MAX_ANSWER = 8 * 1024 * 1024;

/** POSTs a GraphQL query and answers with the status and the text of the body. */
export type ShopifyPost = (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;

/** The operator's own API origin (SHOPIFY_API_URL) is trusted configuration: plain fetch. */
export const trustedPost: ShopifyPost = async (url, headers, body) => {
  const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, body: await res.text() };
};

/** A shop-given store domain goes through the address guard like every webhook URL. */
export const guardedPost =
  (net: OutboundNet, allowPrivate: boolean): ShopifyPost =>
  (url, headers, body) =>
    guardedRequest(net, url, { method: 'POST', headers, body, allowPrivate, timeoutMs: TIMEOUT_MS, maxBody: MAX_ANSWER });

type Answer = { data?: { nodes: Array<{ id: string; inventoryLevels: { edges: Level[] } } | null> }; errors?: unknown };

/** JSON.parse quotes what it could not read; the log gets no part of a stranger's answer. */
function parseAnswer(text: string): Answer {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    throw new Error('Shopify answered with something other than JSON');
  }
}

const numericId = (gid: string) => gid.match(/(\d+)$/)?.[1] ?? gid;

/**
 * Reads inventory through the Shopify Admin GraphQL API with the shop's access
 * token: each variant's inventory item, summed over the locations the shop
 * counts. `apiUrl` replaces https://{domain} (tests use a local stub).
 */
export function shopifyAdapter(apiUrl: string | null, post: ShopifyPost): InventoryAdapter {
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
        const res = await post(
          `${apiUrl ?? `https://${settings.domain}`}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`,
          { 'content-type': 'application/json', 'x-shopify-access-token': settings.accessToken },
          JSON.stringify({ query: INVENTORY_QUERY, variables: { ids } }),
        );
        if (res.status < 200 || res.status >= 300) throw new Error(`Shopify answered ${res.status}`);
        const body = parseAnswer(res.body);
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
