import { and, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { first } from '../../../db/raw.ts';
import { offers, platformReservations, variants, type PlatformReservation, type Shop, type Variant } from '../../../db/schema/index.ts';

/*
 * The reservation ledger's shared parts: what the holds want, and notes for
 * the merchant. Shopify (reservations.ts) and WooCommerce / BigCommerce
 * (store-holds.ts) each move the platform to it their own way.
 */

/** Units of the variant's active holds whose holder is not at the checkout now. */
export async function wanted(tx: Tx, shopId: string, variantId: string, now: Date): Promise<number> {
  const row = await first<{ n: number | string | null }>(
    tx,
    sql`select coalesce(sum(${offers.units}), 0) as n from ${offers}
        where ${and(
          eq(offers.shopId, shopId),
          eq(offers.variantId, variantId),
          eq(offers.status, 'active'),
          gt(offers.expiresAt, now),
          or(isNull(offers.cartUntil), lte(offers.cartUntil, now)),
        )}`,
  );
  return Number(row?.n ?? 0);
}

export const whereRow = (shopId: string, variantId: string) => and(eq(platformReservations.shopId, shopId), eq(platformReservations.variantId, variantId));

/** Why the holds could not be reserved, for the merchant; nothing is in flight. */
export async function note(tx: Tx, shop: Shop, variant: Variant, row: PlatformReservation | undefined, error: string, now: Date) {
  if (row) await tx.update(platformReservations).set({ error, updatedAt: now }).where(whereRow(shop.id, variant.id));
  else await tx.insert(platformReservations).values({ shopId: shop.id, variantId: variant.id, inventoryItemId: variant.inventoryItemId!, reserved: 0, moves: 0, error, updatedAt: now });
}

/** A few moves at most per run: each trigger schedules its own run, and holds rarely change faster. */
export const MOVES_PER_RUN = 4;

/** The variants with units reserved on the store, or a move in flight: what a disconnect gives back. */
export async function heldVariants(db: DbOrTx, shopId: string): Promise<Variant[]> {
  const held = await db
    .select({ variant: variants })
    .from(platformReservations)
    .innerJoin(variants, and(eq(variants.shopId, platformReservations.shopId), eq(variants.id, platformReservations.variantId)))
    .where(and(eq(platformReservations.shopId, shopId), or(gt(platformReservations.reserved, 0), isNotNull(platformReservations.pendingKey))));
  return held.map((h) => h.variant);
}
