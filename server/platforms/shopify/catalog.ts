/** A product as the catalog import stores it: numeric ids, prices in minor units. */
export interface CatalogProduct {
  id: string;
  title: string;
  handle: string;
  productType: string | null;
  tags: string[];
  imageUrl: string | null;
  variants: Array<{
    id: string;
    title: string;
    price: number;
    sku: string | null;
    inventoryItemId: string | null;
    inventoryQuantity: number | null;
    imageUrl: string | null;
  }>;
}

/**
 * One page of products, oldest first (ids grow with creation), each with its first 100 variants;
 * a product with more (Shopify allows 2,048) has the rest read by PRODUCT_VARIANTS_QUERY.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/products
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/ProductVariant
 */
export const PRODUCTS_QUERY = `query WaitlineCatalog($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle productType tags
      featuredMedia { preview { image { url } } }
      variants(first: 100) {
        pageInfo { hasNextPage endCursor }
        nodes { id title price sku inventoryQuantity inventoryItem { id } image { url } }
      }
    }
  }
}`;

/**
 * The variants of one product after the first 100, a page at a time.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/product
 */
export const PRODUCT_VARIANTS_QUERY = `query WaitlineProductVariants($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id title price sku inventoryQuantity inventoryItem { id } image { url } }
    }
  }
}`;

export interface VariantsPage {
  product: { variants: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: VariantNode[] } } | null;
}

/**
 * The requested cost of a page is about 2 + first × 306 (each product's 100 variants are priced
 * in full before the answer is known), and Shopify refuses any query over 1,000 points
 * (MAX_COST_EXCEEDED): so 3 per page. What a page really costs, and so the pace, is far lower.
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */
export const PRODUCTS_PER_PAGE = 3;

/** `limit: null` lifts the default cap of 10,000. https://shopify.dev/docs/api/admin-graphql/2025-10/queries/productVariantsCount */
export const VARIANTS_COUNT_QUERY = `query WaitlineVariantsCount { productVariantsCount(limit: null) { count precision } }`;

export interface ProductNode {
  id: string;
  title: string;
  handle: string;
  productType: string;
  tags: string[];
  featuredMedia: { preview: { image: { url: string } | null } | null } | null;
  variants: { pageInfo?: { hasNextPage: boolean; endCursor: string | null }; nodes: VariantNode[] };
}

export interface VariantNode {
  id: string;
  title: string;
  /** Money is a decimal string, e.g. "19.99". */
  price: string;
  sku: string | null;
  inventoryQuantity: number | null;
  inventoryItem: { id: string } | null;
  image: { url: string } | null;
}

export interface ProductsPage {
  products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ProductNode[] };
}

export const numericId = (gid: string) => gid.match(/(\d+)$/)?.[1] ?? gid;

/** The same rounding the products/update webhook uses (server/services/webhooks/shopify.ts). */
const minor = (price: string) => Math.round(Number(price) * 100);

/** Shopify names the only variant of a product without options "Default Title"; we show none. */
const variantTitle = (title: string) => (title === 'Default Title' ? '' : title);

export const catalogVariant = (v: VariantNode): CatalogProduct['variants'][number] => ({
  id: numericId(v.id),
  title: variantTitle(v.title),
  price: minor(v.price),
  sku: v.sku || null,
  inventoryItemId: v.inventoryItem ? numericId(v.inventoryItem.id) : null,
  inventoryQuantity: v.inventoryQuantity ?? null,
  imageUrl: v.image?.url ?? null,
});

export function catalogProduct(node: ProductNode): CatalogProduct {
  return {
    id: numericId(node.id),
    title: node.title,
    handle: node.handle,
    productType: node.productType || null,
    tags: node.tags,
    imageUrl: node.featuredMedia?.preview?.image?.url ?? null,
    variants: node.variants.nodes.map(catalogVariant),
  };
}
