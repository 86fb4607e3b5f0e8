import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { platformReservations, type Shop, type Variant } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { StoreError, type StoreApi } from '../../platforms/store.ts';
import { heldVariants, MOVES_PER_RUN, note, wanted, whereRow } from './ledger.ts';
import { recordPlatformLevel } from './settle.ts';

/*
 * Holds a WooCommerce or BigCommerce store respects (SPEC §2: held units are
 * not for sale). Neither has a "reserved" state, so held units are taken out
 * of the sellable stock with a stock adjustment (WooCommerce: the product's
 * stock_quantity; BigCommerce: an Inventory API relative adjustment) and given
 * back at claim (for `cartWindowMs`, as on Shopify) or expiry. Waitline adds
 * what it took back to every level it reads (recordPlatformLevel), so a hold
 * never reads as a sale.
 *
 * Neither API takes an idempotency key. The ledger writes each adjustment
 * before it is asked for, with the sellable level read just before
 * (`pendingBefore`). A run that finds an adjustment still pending (the process
 * died, or the store did not answer) reads the level and decides: taking
 * `delta` units off sale left at most `before − delta`; giving them back, at
 * least `before + delta`. Only another change of at least as many units in that
 * moment could mislead it; reconciliation corrects the count if it does. While
 * an adjustment is pending no level is recorded, as on Shopify.
 */

interface Step {
  key: string;
  /** + takes units off sale (reserves), − gives them back. */
  delta: number;
}

/**
 * Under the variant's lock: an adjustment left pending is decided from the
 * level read now ('decided': plan again); else the next adjustment the holds
 * want, written down before it is asked for; null when there is nothing to do.
 */
async function plan(tx: Tx, shop: Shop, variant: Variant, level: number, release: boolean, now: Date): Promise<Step | 'decided' | null> {
  await twins(tx).locks.lockVariants(tx, shop.id, [variant.id]);
  const [row] = await tx.select().from(platformReservations).where(whereRow(shop.id, variant.id));
  if (row?.pendingKey) {
    const delta = row.pendingDelta!;
    const before = row.pendingBefore ?? level;
    const made = delta > 0 ? level <= before - delta : level >= before - delta;
    await tx
      .update(platformReservations)
      .set({ ...(made ? { reserved: sql`${platformReservations.reserved} + ${delta}` } : {}), pendingKey: null, pendingDelta: null, pendingBefore: null, pendingAt: null, updatedAt: now })
      .where(whereRow(shop.id, variant.id));
    return 'decided';
  }
  const reserved = row?.reserved ?? 0;
  let delta = (release ? 0 : await wanted(tx, shop.id, variant.id, now)) - reserved;
  if (delta === 0) {
    if (row?.error) await tx.update(platformReservations).set({ error: null, updatedAt: now }).where(whereRow(shop.id, variant.id));
    return null;
  }
  if (delta > 0) {
    delta = Math.min(delta, level);
    if (delta <= 0) {
      await note(tx, shop, variant, row, 'Nothing left for sale to reserve: the units were sold before the hold reached the store', now);
      return null;
    }
  }
  const moves = (row?.moves ?? 0) + 1;
  const step = { key: `waitline-hold-${variant.id}-${moves}`, delta };
  const pending = { moves, pendingKey: step.key, pendingDelta: delta, pendingBefore: level, pendingLocationId: null, pendingAt: now, updatedAt: now };
  await tx
    .insert(platformReservations)
    .values({ shopId: shop.id, variantId: variant.id, inventoryItemId: variant.inventoryItemId!, locationId: null, reserved: 0, ...pending })
    .onConflictDoUpdate({ target: [platformReservations.shopId, platformReservations.variantId], set: pending });
  return step;
}

/** The adjustment went through (or was refused, and nothing changed): the ledger says so, once. */
async function settle(deps: Deps, shopId: string, variantId: string, step: Step, made: boolean, error: string | null) {
  const now = deps.clock.now();
  await transaction(deps.db, (tx) =>
    tx
      .update(platformReservations)
      .set({
        ...(made ? { reserved: sql`${platformReservations.reserved} + ${step.delta}` } : {}),
        pendingKey: null,
        pendingDelta: null,
        pendingBefore: null,
        pendingAt: null,
        error,
        updatedAt: now,
      })
      .where(and(whereRow(shopId, variantId), eq(platformReservations.pendingKey, step.key))),
  );
}

/**
 * Brings the store's sellable stock for the variant to what its holds want
 * (`release`: to nothing held, on disconnect), then records the level read.
 * An adjustment the store refuses (BigCommerce: it would go below zero) is
 * noted for the merchant; a store that does not answer fails the job, whose
 * retry decides the pending adjustment first.
 */
export async function bringStoreToHolds(deps: Deps, shop: Shop, variant: Variant, api: StoreApi, release: boolean): Promise<void> {
  const ref = variant.inventoryItemId!;
  for (let i = 0; i < MOVES_PER_RUN; i++) {
    const askedAt = deps.clock.now();
    const level = (await api.stockLevels([ref])).get(ref);
    if (level === undefined) return;
    const step = await transaction(deps.db, (tx) => plan(tx, shop, variant, level, release, deps.clock.now()));
    if (step === 'decided') continue;
    if (!step) {
      if (!release) await transaction(deps.db, (tx) => recordPlatformLevel(tx, deps, shop, variant.id, level, askedAt));
      return;
    }
    try {
      await api.adjustStock(ref, -step.delta, `Waitline ${step.delta > 0 ? 'hold' : 'release'} ${step.key}`);
    } catch (error) {
      if (!(error instanceof StoreError && error.kind === 'invalid')) throw error;
      await settle(deps, shop.id, variant.id, step, false, `The store refused the adjustment: ${error.message}`.slice(0, 500));
      deps.log('store reservation refused', { shop: shop.id, variant: variant.id, delta: step.delta, error: error.message });
      return;
    }
    await settle(deps, shop.id, variant.id, step, true, null);
  }
}

/** On disconnect: every unit Waitline took off sale on the store goes back first, while the keys still work. */
export async function releaseStoreHolds(deps: Deps, shop: Shop, api: StoreApi): Promise<void> {
  for (const variant of await heldVariants(deps.db, shop.id)) {
    try {
      await bringStoreToHolds(deps, shop, variant, api, true);
    } catch (error) {
      deps.log('reservation left on the store', { shop: shop.id, variant: variant.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
