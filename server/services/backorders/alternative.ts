import { and, asc, eq, gt, ne } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { variants, type Variant } from '../../../db/schema/index.ts';
import { variantStats } from '../variants/stats.ts';
import { itemName } from '../variants/upsert.ts';

/**
 * Something in stock to offer a customer tired of waiting: another variant of
 * the same product type, or sharing a tag, that the public can buy now.
 */
export async function inStockAlternative(tx: Tx, shopId: string, variant: Variant): Promise<{ name: string; url: string | null } | null> {
  if (!variant.productType && variant.tags.length === 0) return null;
  // By id: with ties left to the engine, Postgres could offer a different one each time.
  const inStock = await tx
    .select()
    .from(variants)
    .where(and(eq(variants.shopId, shopId), ne(variants.id, variant.id), gt(variants.inventory, 0), ne(variants.mode, 'off')))
    .orderBy(asc(variants.id))
    .limit(200);
  const candidates = inStock.filter(
      (v) =>
        v.productId !== variant.productId &&
        ((variant.productType && v.productType === variant.productType) || v.tags.some((tag) => variant.tags.includes(tag))),
    );
  const stats = await variantStats(tx, shopId, candidates);
  const pick = candidates.find((v) => (stats.get(v.id)?.available ?? 0) > 0);
  return pick ? { name: itemName(pick), url: pick.url } : null;
}
