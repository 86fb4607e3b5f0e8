import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShopifyStub {
  url: string;
  /** Stock per inventory item id, per location id; change it to simulate the store. */
  levels: Map<string, Record<string, number>>;
  requests: Array<{ path: string; token: string | undefined; query: string; ids: string[] }>;
  failNext: boolean;
  close(): Promise<void>;
}

/**
 * A local Shopify Admin GraphQL endpoint answering the inventory query with
 * the real response shape: nodes(ids) of InventoryItem with inventoryLevels
 * edges, each location's quantities(names: ["available"]).
 */
export async function startShopifyStub(accessToken: string): Promise<ShopifyStub> {
  const stub: Omit<ShopifyStub, 'url' | 'close'> = { levels: new Map(), requests: [], failNext: false };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const token = req.headers['x-shopify-access-token'] as string | undefined;
      const body = JSON.parse(raw || '{}') as { query?: string; variables?: { ids?: string[] } };
      const ids = body.variables?.ids ?? [];
      stub.requests.push({ path: req.url ?? '', token, query: body.query ?? '', ids });
      if (stub.failNext) {
        stub.failNext = false;
        return res.writeHead(503).end('{"errors":"Service unavailable"}');
      }
      if (token !== accessToken) return res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":"[API] Invalid API key or access token"}');
      if (!/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(req.url ?? '') || !body.query?.includes('inventoryLevels')) {
        return res.writeHead(400).end('{"errors":"unexpected request"}');
      }
      const nodes = ids.map((gid) => {
        const id = gid.split('/').pop()!;
        const perLocation = stub.levels.get(id);
        if (!perLocation) return null;
        return {
          id: gid,
          inventoryLevels: {
            edges: Object.entries(perLocation).map(([location, available]) => ({
              node: { location: { id: `gid://shopify/Location/${location}` }, quantities: [{ name: 'available', quantity: available }] },
            })),
          },
        };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { nodes }, extensions: { cost: { requestedQueryCost: ids.length } } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    ...stub,
    get failNext() {
      return stub.failNext;
    },
    set failNext(v: boolean) {
      stub.failNext = v;
    },
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
