import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { platformReservations, shops, variants, type Shop, type Variant } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { ShopifyError, type ShopifyAdmin } from '../../platforms/shopify/admin.ts';
import { adminForConnection } from '../connections/shopify.ts';
import { apiForConnection, isStorePlatform } from '../connections/store-api.ts';
import { shopConnection } from '../connections/store.ts';
import { bringStoreToHolds } from './store-holds.ts';
import { recordPlatformLevel } from './settle.ts';
import { heldVariants, MOVES_PER_RUN, note, wanted, whereRow } from './ledger.ts';

/*
 * Holds the store respects (SPEC §2: held units are not for sale). While a hold
 * is active its units are out of the platform's sellable stock: on Shopify they
 * move from `available` to `reserved` at one location, so a cart permalink, a
 * theme's quick-add, point of sale or a bot cannot buy them. The holder follows
 * the claim link: for `config.cartWindowMs` their units are given back to
 * `available`, so their checkout can take them; then, with no order, reserved
 * again. Expiry passes the units to the next holder (nothing moves) or, with the
 * line empty, back to `available`.
 *
 * One job per variant (`shopify.reserve`) brings the platform to what the holds
 * want: the units of active holds outside a checkout window, minus what is
 * reserved already. A move is written down before it is asked for and confirmed
 * after, under an idempotency key numbered per variant, so a kill in between
 * asks again with the same key and Shopify moves once. While a move is in
 * flight the platform's level is not recorded (recordPlatformLevel): whether
 * it includes the move is unknown. The job reads the level again once done.
 */

export const RESERVE_JOB = 'shopify.reserve';

/**
 * Schedules the variant's reservation job (now, or at `at`) when its shop has
 * a Shopify connection: called wherever holds change. Every change gets its own
 * run (a run already done, or under way, may not have seen this change); runs
 * are idempotent, so one that finds nothing to move ends at once.
 */
export async function holdsChanged(tx: Tx, shopId: string, variantId: string, now: Date, at: Date = now): Promise<void> {
  if (!(await shopConnection(tx, shopId))) return;
  const key = `${RESERVE_JOB}:${shopId}:${variantId}:${at.getTime()}:${randomUUID()}`;
  await enqueueJobs(tx, [{ kind: RESERVE_JOB, key, runAt: at, payload: { shopId, variantId } }], now);
}

interface Level {
  locationId: string;
  available: number;
}

interface Plan {
  key: string;
  delta: number;
  locationId: string;
  inventoryItemId: string;
}

const counted = (shop: Shop, locationId: string) => !shop.settings.shopify?.locations || shop.settings.shopify.locations.includes(locationId);

/** The idempotency key of the variant's `n`th move: short, and the same on every retry of that move. */
const moveKey = (shopId: string, variantId: string, n: number) =>
  `waitline-reserve-${createHash('sha256').update(`${shopId}\n${variantId}`).digest('base64url').slice(0, 22)}-${n}`;

/**
 * Under the variant's lock: the move in flight if there is one (retried as it
 * was), else the next move the holds want, written down before it is asked for.
 * A reservation takes what the location it is made at has for sale, no more.
 */
async function planMove(tx: Tx, shop: Shop, variant: Variant, levels: Level[], release: boolean, now: Date): Promise<Plan | null> {
  await twins(tx).locks.lockVariants(tx, shop.id, [variant.id]);
  const [row] = await tx.select().from(platformReservations).where(whereRow(shop.id, variant.id));
  if (row?.pendingKey) return { key: row.pendingKey, delta: row.pendingDelta!, locationId: row.pendingLocationId!, inventoryItemId: row.inventoryItemId };
  const reserved = row?.reserved ?? 0;
  let delta = (release ? 0 : await wanted(tx, shop.id, variant.id, now)) - reserved;
  if (delta === 0) {
    // Nothing to move is nothing wrong: a refusal noted earlier no longer applies.
    if (row?.error) await tx.update(platformReservations).set({ error: null, updatedAt: now }).where(whereRow(shop.id, variant.id));
    return null;
  }
  let locationId = row?.locationId ?? null;
  if (delta > 0) {
    const here = reserved > 0 && locationId ? levels.find((l) => l.locationId === locationId) : [...levels].filter((l) => counted(shop, l.locationId)).sort((a, b) => b.available - a.available)[0];
    delta = Math.min(delta, here?.available ?? 0);
    if (!here || delta <= 0) {
      await note(tx, shop, variant, row, 'Nothing left for sale to reserve: the units were sold before the hold reached the store', now);
      return null;
    }
    locationId = here.locationId;
  }
  if (!locationId) return null;
  const moves = (row?.moves ?? 0) + 1;
  const plan = { key: moveKey(shop.id, variant.id, moves), delta, locationId, inventoryItemId: row && reserved > 0 ? row.inventoryItemId : variant.inventoryItemId! };
  const pending = { moves, pendingKey: plan.key, pendingDelta: delta, pendingLocationId: locationId, pendingAt: now, updatedAt: now };
  await tx
    .insert(platformReservations)
    .values({ shopId: shop.id, variantId: variant.id, inventoryItemId: plan.inventoryItemId, locationId: null, reserved: 0, ...pending })
    .onConflictDoUpdate({ target: [platformReservations.shopId, platformReservations.variantId], set: pending });
  return plan;
}

/** The move went through (or was refused for good): the ledger says so, once. */
async function settle(deps: Deps, shopId: string, variantId: string, plan: Plan, error: string | null) {
  const now = deps.clock.now();
  await transaction(deps.db, (tx) =>
    tx
      .update(platformReservations)
      .set({
        ...(error ? {} : { reserved: sql`${platformReservations.reserved} + ${plan.delta}`, locationId: plan.locationId }),
        pendingKey: null,
        pendingDelta: null,
        pendingLocationId: null,
        pendingAt: null,
        error,
        updatedAt: now,
      })
      .where(and(whereRow(shopId, variantId), eq(platformReservations.pendingKey, plan.key))),
  );
}

/** The platform's level read now, recorded like a reported one (with our reservation added back). */
async function recordLevel(deps: Deps, shop: Shop, variant: Variant, levels: Level[], askedAt: Date) {
  const total = levels.filter((l) => counted(shop, l.locationId)).reduce((n, l) => n + l.available, 0);
  await transaction(deps.db, (tx) => recordPlatformLevel(tx, deps, shop, variant.id, total, askedAt));
}

/**
 * Job `shopify.reserve`: moves the variant's reservation on the shop's store
 * to what its holds want (WooCommerce and BigCommerce: store-holds.ts). A
 * move Shopify refuses for want of stock is noted and not retried until holds
 * change again; a store that does not answer fails the job, which retries the
 * same move with the same key.
 */
export async function syncReservations(deps: Deps, shopId: string, variantId: string): Promise<void> {
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, shopId));
  const connection = shop && (await shopConnection(deps.db, shopId));
  const [variant] = connection ? await deps.db.select().from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, variantId))) : [];
  if (!shop || !connection || !variant?.inventoryItemId) return;
  if (isStorePlatform(connection.platform)) return bringStoreToHolds(deps, shop, variant, apiForConnection(deps, connection), false);
  await bringToHolds(deps, shop, variant, await adminForConnection(deps, connection), false);
}

/**
 * The merchant disconnects the store: every unit Waitline reserved there goes
 * back on sale first (a move in flight is finished), while the token still
 * works. A variant the store will not answer for keeps its reservation, and
 * the log says so.
 */
export async function releaseReservations(deps: Deps, shop: Shop, admin: ShopifyAdmin): Promise<void> {
  for (const variant of await heldVariants(deps.db, shop.id)) {
    try {
      await bringToHolds(deps, shop, variant, admin, true);
    } catch (error) {
      deps.log('reservation left on the store', { shop: shop.id, variant: variant.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

async function bringToHolds(deps: Deps, shop: Shop, variant: Variant, admin: ShopifyAdmin, release: boolean): Promise<void> {
  const itemId = variant.inventoryItemId!;
  for (let i = 0; i < MOVES_PER_RUN; i++) {
    const askedAt = deps.clock.now();
    const levels = await admin.levels(itemId);
    const plan = await transaction(deps.db, (tx) => planMove(tx, shop, variant, levels, release, deps.clock.now()));
    if (!plan) return release ? undefined : recordLevel(deps, shop, variant, levels, askedAt);
    const move = {
      inventoryItemId: plan.inventoryItemId,
      locationId: plan.locationId,
      quantity: Math.abs(plan.delta),
      from: plan.delta > 0 ? ('available' as const) : ('reserved' as const),
      to: plan.delta > 0 ? ('reserved' as const) : ('available' as const),
      referenceDocumentUri: `gid://waitline/Variant/${encodeURIComponent(variant.id)}`,
      ledgerDocumentUri: `gid://waitline/Reservation/${plan.key}`,
      idempotencyKey: plan.key,
    };
    try {
      await admin.moveQuantities(move);
      await settle(deps, shop.id, variant.id, plan, null);
    } catch (error) {
      if (!(error instanceof ShopifyError) || !['insufficient_quantity', 'retry_with_new_key'].includes(error.kind)) throw error;
      // Refused for good under this key: nothing moved. Sold meanwhile, or an earlier try failed: a new move decides again.
      await settle(deps, shop.id, variant.id, plan, error.kind === 'insufficient_quantity' ? 'The units were sold on the store before they could be reserved' : null);
      deps.log('shopify reservation refused', { shop: shop.id, variant: variant.id, kind: error.kind, delta: plan.delta });
      if (error.kind === 'insufficient_quantity') return release ? undefined : recordLevel(deps, shop, variant, await admin.levels(itemId), deps.clock.now());
    }
  }
}
