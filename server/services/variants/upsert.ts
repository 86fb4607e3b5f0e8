import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { variants, type Shop, type Variant, type VariantMode } from '../../../db/schema/index.ts';
import type { ProductInfo } from '../../../emails/types.ts';
import type { Deps } from '../../context.ts';
import { applyInventory, lockedVariant } from '../restock/inventory.ts';

export interface VariantInput {
  productId?: string | null;
  productTitle?: string;
  title?: string;
  url?: string | null;
  imageUrl?: string | null;
  price?: number | null;
  currency?: string | null;
  mode?: VariantMode;
  inventory?: number;
  eta?: { earliest: string; latest: string } | null;
  preorderLimit?: number | null;
  inventoryItemId?: string | null;
  productType?: string | null;
  tags?: string[];
  uncounted?: boolean;
}

/**
 * Creates the variant or changes the fields the input names; `created` tells
 * which. A new inventory figure on an existing variant goes through the
 * inventory arithmetic, so a rise allocates exactly as the inventory route does.
 * The row is locked before it is read, as every stock change locks it.
 */
export async function upsertVariant(deps: Deps, shop: Shop, id: string, input: VariantInput): Promise<{ variant: Variant; created: boolean }> {
  const result = await transaction(deps.db, (tx) => upsertVariantIn(tx, deps, shop, id, input));
  deps.wake();
  return result;
}

/** The same in the caller's transaction (a catalog page writes its variants in one). */
export async function upsertVariantIn(tx: Tx, deps: Deps, shop: Shop, id: string, input: VariantInput): Promise<{ variant: Variant; created: boolean }> {
  const shopId = shop.id;
  const now = deps.clock.now();
  const { eta, inventory, ...rest } = input;
  const fields = { ...rest, ...(inventory !== undefined ? { inventory } : {}) };
  const values = {
    ...fields,
    // A range the merchant sets overrides purchase-order ETAs; clearing it leaves no ETA to override with.
    ...(eta !== undefined ? { etaEarliest: eta?.earliest ?? null, etaLatest: eta?.latest ?? null, etaSource: eta ? ('merchant' as const) : null, etaBasis: null } : {}),
  };
  const existing = await lockedVariant(tx, shopId, id);
  if (existing) {
    const { inventory: _, ...others } = values;
    let variant = (
      await tx
        .update(variants)
        .set({ ...others, updatedAt: now })
        .where(and(eq(variants.shopId, shopId), eq(variants.id, id)))
        .returning()
    )[0]!;
    if (inventory !== undefined && inventory !== existing.inventory) variant = (await applyInventory(tx, deps, shop, variant, inventory)).variant;
    return { variant, created: false };
  }
  const variant = (
    await tx
      .insert(variants)
      .values({ ...values, shopId, id, createdAt: now, updatedAt: now })
      .returning()
  )[0]!;
  return { variant, created: true };
}

export const presentEta = (v: Variant) => (v.etaEarliest && v.etaLatest ? { earliest: v.etaEarliest, latest: v.etaLatest } : null);

/** A variant as the admin API shows it (SPEC §2 fields). */
export function presentVariant(v: Variant) {
  return {
    id: v.id,
    productId: v.productId,
    productTitle: v.productTitle,
    title: v.title,
    url: v.url,
    imageUrl: v.imageUrl,
    price: v.price,
    currency: v.currency,
    mode: v.mode,
    inventory: v.inventory,
    uncounted: v.uncounted,
    eta: presentEta(v),
    preorderLimit: v.preorderLimit,
    inventoryItemId: v.inventoryItemId,
    productType: v.productType,
    tags: v.tags,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

/** The item as an email shows it: the shop's own title, variant, picture and price (emails/types.ts ProductInfo). */
export const productInfo = (v: Variant): ProductInfo => ({
  title: v.productTitle || itemName(v),
  variant: v.title === 'Default Title' ? '' : v.title,
  imageUrl: v.imageUrl,
  price: v.price,
  currency: v.currency,
});

export const itemName = (v: Pick<Variant, 'id' | 'productTitle' | 'title'>) =>
  [v.productTitle, v.title].filter((s) => s && s !== 'Default Title').join(' – ') || v.id;
