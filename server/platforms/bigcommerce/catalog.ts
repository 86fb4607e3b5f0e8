import { z } from 'zod';
import type { StoreProduct, StoreVariant } from '../store.ts';
import { count, id, money, text, title } from './shapes.ts';

/**
 * A catalog product with `include=variants,images`, as much as Waitline reads of it.
 * https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
 * https://developer.bigcommerce.com/docs/rest-catalog/product-variants
 * A product without options still has one (base) variant, with no option values.
 */
const variant = z.object({
  id,
  product_id: id,
  sku: z.string().nullish(),
  price: money.nullish(),
  calculated_price: money.nullish(),
  inventory_level: count.nullish(),
  image_url: z.string().nullish(),
  option_values: z.array(z.object({ label: text })).nullish(),
});
export const productShape = z.object({
  id,
  name: title,
  price: money.nullish(),
  calculated_price: money.nullish(),
  inventory_level: count.nullish(),
  inventory_tracking: z.enum(['none', 'product', 'variant']),
  search_keywords: z.string().nullish(),
  custom_url: z.object({ url: z.string().nullish() }).nullish(),
  images: z.array(z.object({ is_thumbnail: z.boolean().nullish(), url_standard: z.string().nullish() })).nullish(),
  variants: z.array(variant).nullish(),
});
export type BigCommerceProduct = z.output<typeof productShape>;

/** Stock as BigCommerce counts it: per product, per variant, or not at all. */
export const productRef = (productId: string) => productId;
export const variantRef = (productId: string, variantId: string) => `${productId}/${variantId}`;

/** `12` names a product's stock, `12/34` a variant's: the forms stockRef takes (see store.ts). */
export function parseRef(ref: string): { productId: string; variantId: string | null } | null {
  const match = /^(\d+)(?:\/(\d+))?$/.exec(ref);
  return match ? { productId: match[1]!, variantId: match[2] ?? null } : null;
}

/** A storefront path as BigCommerce gives it (`/harbor-hoodie/`), or null. */
const pagePath = (path: string | null | undefined) => (path && /^\/[^/\\]/.test(path) && path.length <= 1024 ? path : null);

const httpUrl = (url: string | null | undefined) => (url && /^https?:\/\//i.test(url) ? url : null);

export function storeProduct(p: BigCommerceProduct): StoreProduct {
  const images = p.images ?? [];
  const thumbnail = httpUrl((images.find((i) => i.is_thumbnail) ?? images[0])?.url_standard);
  const variants = (p.variants ?? []).map((v): StoreVariant => {
    const stock = p.inventory_tracking === 'none' ? null : p.inventory_tracking === 'product' ? (p.inventory_level ?? 0) : (v.inventory_level ?? 0);
    return {
      id: v.id,
      productId: p.id,
      title: (v.option_values ?? []).map((o) => o.label).filter(Boolean).join(' / ').slice(0, 255),
      price: v.calculated_price ?? v.price ?? p.calculated_price ?? p.price ?? 0,
      sku: v.sku?.trim() ? v.sku.slice(0, 255) : null,
      imageUrl: httpUrl(v.image_url) ?? thumbnail,
      // custom_url is relative to the storefront, whose domain the catalog does not say: the service resolves it.
      url: pagePath(p.custom_url?.url),
      stock,
      stockRef: p.inventory_tracking === 'none' ? null : p.inventory_tracking === 'product' ? productRef(p.id) : variantRef(p.id, v.id),
    };
  });
  return {
    id: p.id,
    title: p.name,
    productType: null,
    tags: (p.search_keywords ?? '').split(',').map((t) => t.trim()).filter(Boolean).slice(0, 50).map((t) => t.slice(0, 255)),
    imageUrl: thumbnail,
    variants,
  };
}
