import { bulkOperation, readCatalogExport, startCatalogExport, type BulkOperation, type ReadExportOptions } from './bulk.ts';
import { catalogProduct, catalogVariant, PRODUCT_VARIANTS_QUERY, PRODUCTS_PER_PAGE, PRODUCTS_QUERY, VARIANTS_COUNT_QUERY, type CatalogProduct, type ProductsPage, type VariantsPage } from './catalog.ts';
import { ShopifyError } from './errors.ts';
import { graphqlClient } from './graphql.ts';
import type { ShopifyAdminDeps } from './http.ts';
import { itemLevels } from './inventory.ts';
import { orderRefunds, refundLineItems, type OrderRefunds, type RefundLines, type RefundMade } from './refunds.ts';
import { moveQuantities, type QuantityMove } from './reserve.ts';
import { deleteWebhooks, registerWebhooks } from './webhooks.ts';

export type { BulkOperation, BulkStatus, ExportedProduct, ReadExportOptions } from './bulk.ts';
export type { CatalogProduct } from './catalog.ts';
export type { OrderRefunds, RefundLines, RefundMade } from './refunds.ts';
export { ShopifyError, type ShopifyErrorKind } from './errors.ts';
export { SHOPIFY_API_VERSION, shopifyAdminDeps, type ShopifyAdminDeps, type ShopifyDownload, type ShopifyHttp } from './http.ts';
export { authorizationCodeToken, clientCredentialsToken } from './tokens.ts';

export interface ShopifyAdmin {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  verify(required: readonly string[]): Promise<StoreFacts>;
  registerWebhooks(uri: string, topics: readonly string[]): Promise<Array<{ topic: string; id: string }>>;
  deleteWebhooks(ids: readonly string[]): Promise<void>;
  products(after: string | null, first?: number): Promise<{ products: CatalogProduct[]; endCursor: string | null; hasNextPage: boolean }>;
  variantsCount(): Promise<number | null>;
  /** available ⇄ reserved at one location, idempotent per key: see reserve.ts for the error kinds. */
  moveQuantities(move: QuantityMove): Promise<{ adjustmentGroupId: string | null }>;
  /** One inventory item's `available` per location, read now. */
  levels(inventoryItemId: string): Promise<Array<{ locationId: string; available: number }>>;
  /** An order's lines and the refunds made on it (null: no such order), read before any refund is retried. */
  orderRefunds(orderId: string): Promise<OrderRefunds | null>;
  /** Refunds unshipped lines, cancelled, once per key: see refunds.ts for the error kinds. */
  refundLineItems(input: RefundLines): Promise<RefundMade>;
  /** Starts a bulk export of the whole catalog: 'in_progress' while another runs. See bulk.ts. */
  startCatalogExport(): Promise<Pick<BulkOperation, 'id' | 'status'>>;
  /** A bulk operation's status, and its file's URL once COMPLETED. */
  bulkOperation(id: string): Promise<BulkOperation>;
  /** Streams an export's file in batches of products, from `skipLines` on; answers the lines read. */
  readCatalogExport(url: string, options: ReadExportOptions): Promise<number>;
}

export interface StoreFacts {
  name: string;
  myshopifyDomain: string;
  primaryDomainUrl: string;
  currencyCode: string;
  scopes: string[];
}

/**
 * The store and the scopes this installation was granted.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/shop
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/currentAppInstallation
 */
const VERIFY_QUERY = `query WaitlineVerify {
  shop { name myshopifyDomain primaryDomain { url } currencyCode }
  currentAppInstallation { accessScopes { handle } }
}`;

interface VerifyAnswer {
  shop: { name: string; myshopifyDomain: string; primaryDomain: { url: string }; currencyCode: string };
  currentAppInstallation: { accessScopes: Array<{ handle: string }> };
}

/** A write scope grants its read scope, and Shopify may list only the write one. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const have = new Set(granted);
  return required.filter((scope) => !have.has(scope) && !(scope.startsWith('read_') && have.has(`write_${scope.slice(5)}`)));
}

/** The Admin API of one store (`shop` is its *.myshopify.com domain), with one access token. */
export function shopifyAdmin(deps: ShopifyAdminDeps, shop: string, accessToken: string): ShopifyAdmin {
  const graphql = graphqlClient(deps, shop, accessToken);
  return {
    graphql,

    async verify(required) {
      const { shop: facts, currentAppInstallation } = await graphql<VerifyAnswer>(VERIFY_QUERY);
      const scopes = currentAppInstallation.accessScopes.map((s) => s.handle);
      const missing = missingScopes(scopes, required);
      if (missing.length > 0) throw new ShopifyError('missing_scopes', `The app lacks the scopes ${missing.join(', ')}`, missing);
      return {
        name: facts.name,
        myshopifyDomain: facts.myshopifyDomain,
        primaryDomainUrl: facts.primaryDomain.url,
        currencyCode: facts.currencyCode,
        scopes,
      };
    },

    registerWebhooks: (uri, topics) => registerWebhooks(graphql, uri, topics),
    deleteWebhooks: (ids) => deleteWebhooks(graphql, ids),

    /** A larger `first` would be refused outright as too costly, so it is lowered to what one query may ask. */
    /** A product with more than the page's 100 variants has the rest read here, so the page comes back whole. */
    async products(after, first = PRODUCTS_PER_PAGE) {
      const { products } = await graphql<ProductsPage>(PRODUCTS_QUERY, { first: Math.max(1, Math.min(first, PRODUCTS_PER_PAGE)), after });
      const whole = products.nodes.map(catalogProduct);
      for (const [i, node] of products.nodes.entries()) {
        for (let next = node.variants.pageInfo?.hasNextPage ? node.variants.pageInfo.endCursor : null; next; ) {
          const answer = await graphql<VariantsPage>(PRODUCT_VARIANTS_QUERY, { id: node.id, after: next });
          if (!answer.product) break;
          whole[i]!.variants.push(...answer.product.variants.nodes.map(catalogVariant));
          next = answer.product.variants.pageInfo.hasNextPage ? answer.product.variants.pageInfo.endCursor : null;
        }
      }
      return {
        products: whole,
        endCursor: products.pageInfo.endCursor,
        hasNextPage: products.pageInfo.hasNextPage,
      };
    },

    /** For the progress bar only: a count Shopify gives as "at least" is still worth showing. */
    async variantsCount() {
      const answer = await graphql<{ productVariantsCount: { count: number; precision: string } | null }>(VARIANTS_COUNT_QUERY);
      return answer.productVariantsCount?.count ?? null;
    },

    moveQuantities: (move) => moveQuantities(graphql, move),
    levels: (inventoryItemId) => itemLevels(graphql, inventoryItemId),
    orderRefunds: (orderId) => orderRefunds(graphql, orderId),
    refundLineItems: (input) => refundLineItems(graphql, input),
    startCatalogExport: () => startCatalogExport(graphql),
    bulkOperation: (id) => bulkOperation(graphql, id),
    async readCatalogExport(url, options) {
      if (!deps.download) throw new ShopifyError('invalid', 'No download transport: build the deps with shopifyAdminDeps');
      return readCatalogExport(deps.download, url, options);
    },
  };
}
