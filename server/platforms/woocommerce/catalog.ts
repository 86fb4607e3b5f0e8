import { z } from 'zod';
import { StoreError, type CatalogPage, type StoreProduct, type StoreVariant } from '../store.ts';
import { statusError, type WooCall } from './http.ts';
import { money, optionalText, parse, quantity, title, webUrl, wooId } from './parse.ts';

/*
 * Products and variations as the REST API v3 answers them:
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#product-properties
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#product-variation-properties
 */

export const WC = '/wp-json/wc/v3';
const PRODUCTS_PER_PAGE = 20;
/** The most the REST API gives in one page. */
export const MAX_PER_PAGE = 100;

const image = z.object({ src: webUrl }).nullish().catch(null);
const named = z.array(z.object({ name: title }).catch({ name: '' })).nullish();

export const productSchema = z.object({
  id: wooId,
  name: title,
  type: z.string(),
  status: z.string().nullish(),
  parent_id: z.unknown().optional(),
  permalink: webUrl,
  sku: optionalText,
  price: money,
  manage_stock: z.unknown(),
  stock_quantity: quantity,
  stock_status: z.unknown(),
  images: z.array(image).nullish().catch(null),
  categories: named,
  tags: named,
});
export type WooProduct = z.output<typeof productSchema>;

export const variationSchema = z.object({
  id: wooId,
  permalink: webUrl,
  sku: optionalText,
  price: money,
  manage_stock: z.unknown(),
  stock_quantity: quantity,
  stock_status: z.unknown(),
  image: image,
  attributes: z.array(z.object({ option: title }).catch({ option: '' })).nullish(),
});
export type WooVariation = z.output<typeof variationSchema>;

/** Grouped and external products have no stock of their own: nothing to wait for. */
const NO_STOCK_TYPES = new Set(['grouped', 'external']);
/** Types whose sellable units are their variations (variable-subscription is the Subscriptions extension's). */
const VARIABLE_TYPES = new Set(['variable', 'variable-subscription']);

/**
 * Without "Manage stock" WooCommerce counts nothing and the merchant sets `stock_status` by hand:
 * `outofstock` and `onbackorder` are sold out (nothing for sale now), `instock` is for sale in numbers nobody counts.
 */
const uncounted = (status: unknown): Pick<StoreVariant, 'stock' | 'stockRef'> => ({ stock: status === 'instock' ? null : 0, stockRef: null });

/** Stock counts only when WooCommerce manages it; 'parent' on a variation means the product's count is shared. */
function variationStock(product: WooProduct, variation: WooVariation): Pick<StoreVariant, 'stock' | 'stockRef'> {
  if (variation.manage_stock === true) return { stock: variation.stock_quantity ?? 0, stockRef: `product/${product.id}/variation/${variation.id}` };
  if (variation.manage_stock === 'parent' && product.manage_stock === true) return { stock: product.stock_quantity ?? 0, stockRef: `product/${product.id}` };
  return uncounted(variation.stock_status);
}

export function storeProduct(product: WooProduct, variations: WooVariation[]): StoreProduct {
  const imageUrl = product.images?.[0]?.src ?? null;
  const variants: StoreVariant[] = VARIABLE_TYPES.has(product.type)
    ? variations.map((v) => ({
        id: v.id,
        productId: product.id,
        title: (v.attributes ?? [])
          .map((a) => a.option)
          .filter(Boolean)
          .join(' / ')
          .slice(0, 255),
        price: v.price,
        sku: v.sku,
        imageUrl: v.image?.src ?? imageUrl,
        url: v.permalink ?? product.permalink,
        ...variationStock(product, v),
      }))
    : [
        {
          id: product.id,
          productId: product.id,
          title: '',
          price: product.price,
          sku: product.sku,
          imageUrl,
          url: product.permalink,
          ...(product.manage_stock === true ? { stock: product.stock_quantity ?? 0, stockRef: `product/${product.id}` } : uncounted(product.stock_status)),
        },
      ];
  return {
    id: product.id,
    title: product.name,
    productType: product.categories?.[0]?.name || null,
    tags: (product.tags ?? []).map((t) => t.name).filter(Boolean),
    imageUrl,
    variants,
  };
}

/** The X-WP-TotalPages header: absent or unreadable counts as this page being the last. */
export const totalPages = (headers: Record<string, string>) => {
  const n = Number(headers['x-wp-totalpages']);
  return Number.isInteger(n) && n >= 0 ? n : 0;
};

/** Every variation of a product, a page of 100 at a time. */
async function allVariations(call: WooCall, productId: string): Promise<WooVariation[]> {
  const all: WooVariation[] = [];
  for (let page = 1; ; page++) {
    const what = `the variations of product ${productId}`;
    const answer = await call('GET', `${WC}/products/${productId}/variations`, { query: { per_page: MAX_PER_PAGE, page } });
    if (answer.status !== 200) throw statusError(answer, `reading ${what}`);
    all.push(...parse(z.array(variationSchema), answer.json, what));
    if (page >= totalPages(answer.headers)) return all;
  }
}

const withVariations = async (call: WooCall, product: WooProduct) =>
  storeProduct(product, VARIABLE_TYPES.has(product.type) ? await allVariations(call, product.id) : []);

export async function catalogPage(call: WooCall, cursor: string | null): Promise<CatalogPage> {
  if (cursor !== null && !/^[1-9]\d{0,6}$/.test(cursor)) throw new StoreError('invalid', 'A WooCommerce catalog cursor is a page number');
  const page = cursor === null ? 1 : Number(cursor);
  const answer = await call('GET', `${WC}/products`, { query: { per_page: PRODUCTS_PER_PAGE, page, orderby: 'id', order: 'asc' } });
  if (answer.status !== 200) throw statusError(answer, 'reading the catalog');
  const products: StoreProduct[] = [];
  for (const product of parse(z.array(productSchema), answer.json, 'the catalog')) {
    if (!NO_STOCK_TYPES.has(product.type)) products.push(await withVariations(call, product));
  }
  return { products, next: page < totalPages(answer.headers) ? String(page + 1) : null, variantsTotal: null };
}

/** GET /products/{id} answers a variation too (type 'variation'): then its product is meant. */
export async function product(call: WooCall, id: string): Promise<StoreProduct | null> {
  if (!/^[1-9]\d{0,18}$/.test(id)) return null;
  let found = await readProduct(call, id);
  if (found?.json.type === 'variation') {
    const parent = wooId.safeParse(found.json.parent_id);
    found = parent.success ? await readProduct(call, parent.data) : null;
  }
  if (!found || NO_STOCK_TYPES.has(found.product.type) || found.product.type === 'variation' || found.product.status === 'trash') return null;
  return withVariations(call, found.product);
}

async function readProduct(call: WooCall, id: string) {
  const answer = await call('GET', `${WC}/products/${id}`);
  if (answer.status === 404 && answer.error?.code !== 'rest_no_route') return null;
  if (answer.status !== 200) throw statusError(answer, `reading product ${id}`);
  return { product: parse(productSchema, answer.json, `product ${id}`), json: answer.json as { type?: unknown; parent_id?: unknown } };
}
