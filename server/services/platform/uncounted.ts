import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { queueCounts, variants, type Shop, type Variant } from '../../../db/schema/index.ts';
import { openEscalation } from '../escalations/open.ts';
import { itemName } from '../variants/upsert.ts';

/** Whether the store counted this variant's stock (or had it sold out) before: its `uncounted` flag as stored. */
export async function wasCounted(tx: Tx, shopId: string, variantId: string): Promise<boolean> {
  const [row] = await tx.select({ uncounted: variants.uncounted }).from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, variantId)));
  return row !== undefined && !row.uncounted;
}

/**
 * A sold-out variant the store now sells again without counting (WooCommerce's "In stock" without
 * "Manage stock"): there is no number of units to hold for the line, so nobody is told anything
 * untrue and a person decides. One escalation per time it comes back, when anyone is waiting.
 */
export async function backUncounted(tx: Tx, shop: Shop, variant: Variant, now: Date): Promise<void> {
  const [count] = await tx
    .select({ waiting: queueCounts.waiting })
    .from(queueCounts)
    .where(and(eq(queueCounts.shopId, shop.id), eq(queueCounts.variantId, variant.id)));
  const waiting = count?.waiting ?? 0;
  if (waiting === 0) return;
  const item = itemName(variant);
  await openEscalation(tx, {}, {
    shop,
    kind: 'uncounted_stock',
    key: `${variant.id}:${now.getTime()}`,
    summary: `${item} is for sale on your store again, but the store does not count its stock, so the ${waiting} ${waiting === 1 ? 'person' : 'people'} waiting were not told.`,
    recommendedAction: 'Have the store count its stock (WooCommerce: "Manage stock"; BigCommerce: inventory tracking), and the line is served from the count; or restock it here with the number of units that came in.',
    now,
  });
}
