import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { offers, restocks, signups, variants, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { holdsChanged } from '../platform/reservations.ts';
import { Invalid, NotFound } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { positionOf } from '../signups/position.ts';
import { contactsById, allocate } from './allocate.ts';
import { serveBackorders } from '../backorders/serve.ts';
import { endOffer } from './end-offer.ts';
import { queueReads } from './queue.ts';
import { tellStillWaiting } from './still-waiting.ts';
import { toldOffers } from './announce.ts';

export type InventoryChange = ({ available: number } | { adjust: number }) & RestockOptions;

/** What the merchant may choose for one restock, over the shop's settings. */
export interface RestockOptions {
  /** How many people still waiting hear "not this time" (the shop's `ranOutNoticeDepth` when absent). */
  ranOutNoticeDepth?: number;
}

/** The "not this time" depth of one restock: its own, else the shop's; the real call and its dry run both read it here. */
export const noticeDepth = (shop: Shop, options: RestockOptions): number => options.ranOutNoticeDepth ?? shop.settings.ranOutNoticeDepth;

export interface AllocationSummary {
  backordersServed: number;
  offered: number;
  unitsHeld: number;
  stillWaiting: number;
}

export interface InventoryResult {
  variant: Variant;
  allocation: AllocationSummary;
  /** The restock row a rise above zero writes; null when there was none (a fall, no change, backorders only). */
  restockId: number | null;
}

/** `POST /v1/admin/variants/:id/inventory`: set or adjust, and allocate a rise at once. */
export async function changeInventory(deps: Deps, shop: Shop, variantId: string, change: InventoryChange): Promise<InventoryResult> {
  const result = await transaction(deps.db, async (tx) => {
    const { variant, to } = await inventoryTarget(tx, shop, variantId, change);
    return applyInventory(tx, deps, shop, variant, to, change);
  });
  deps.wake();
  return result;
}

/**
 * The variant's row locked for this transaction, then read: on PostgreSQL
 * another replica's change to its stock, holds or line has committed by now,
 * so what is decided from this read stays true until commit. Every caller of
 * `applyInventory` (and of `cascade`) reads its variant through this, before
 * it touches the variant's signups or offers (the lock order of db/sql/pg/locks.ts).
 */
export async function lockedVariant(tx: Tx, shopId: string, variantId: string): Promise<Variant | undefined> {
  await twins(tx).locks.lockVariants(tx, shopId, [variantId]);
  return (await tx.select().from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, variantId))))[0];
}

/**
 * The variant and the number a change asks for, with the API's checks. The
 * real call and its dry run (`preview.ts`) share it, so they fail alike. An
 * adjustment is counted from the locked row, so concurrent ones add up.
 */
export async function inventoryTarget(tx: Tx, shop: Shop, variantId: string, change: InventoryChange): Promise<{ variant: Variant; to: number }> {
  const variant = await lockedVariant(tx, shop.id, variantId);
  if (!variant) throw NotFound('Variant');
  const to = 'available' in change ? change.available : variant.inventory + change.adjust;
  // Stock goes below zero only by selling it (orders); a manual decrease stops at zero.
  if (to < 0 && to < variant.inventory) throw Invalid(`adjust would take inventory to ${to}; only orders take stock below zero`, 'adjust');
  return { variant, to };
}

/**
 * The inventory arithmetic of SPEC §2, shared by the API and the platform
 * webhooks: a rise from a to b serves backorders with the part below zero and
 * allocates the part above zero; a fall that leaves holds above max(0, b)
 * withdraws the newest holds. Setting the same number again changes nothing.
 * `variant` must come from `lockedVariant` in this transaction: `to` replaces
 * its inventory, so it is only right if nobody changed it since that read.
 */
export async function applyInventory(tx: Tx, deps: Deps, shop: Shop, variant: Variant, to: number, options: RestockOptions = {}): Promise<InventoryResult> {
  const now = deps.clock.now();
  const from = variant.inventory;
  const [updated] = await tx
    .update(variants)
    .set({ inventory: to, updatedAt: now })
    .where(and(eq(variants.shopId, shop.id), eq(variants.id, variant.id)))
    .returning();
  if (!updated) throw NotFound('Variant');
  const allocation: AllocationSummary = { backordersServed: 0, offered: 0, unitsHeld: 0, stillWaiting: 0 };
  let restockId: number | null = null;
  if (to < from) await withdrawExcessHolds(tx, deps, shop, updated, now);
  // The mode only tells the widget what to show: units owed to backorders and
  // places already in line are served whatever it is.
  if (to > from) {
    const below = Math.min(to, 0) - Math.min(from, 0);
    const above = Math.max(to, 0) - Math.max(from, 0);
    allocation.backordersServed = below > 0 ? await serveBackorders(tx, deps, { shop, variant: updated, units: below, now }) : 0;
    if (above > 0) {
      const restock = (
        await tx
          .insert(restocks)
          .values({ shopId: shop.id, variantId: variant.id, fromInventory: from, toInventory: to, units: above, backorderUnits: below, createdAt: now })
          .returning()
      )[0]!;
      restockId = restock.id;
      // Below the merchant's minimum nobody is told, and the units stay public.
      if (above >= shop.settings.minimumRestock) {
        const result = await allocate(tx, deps, { shop, variant: updated, units: above, cause: 'restock', restockId: restock.id, restockUnits: above, now });
        allocation.offered = result.offered;
        allocation.unitsHeld = result.unitsHeld;
        await tellStillWaiting(tx, deps, { shop, variant: updated, restockId: restock.id, units: above, depth: noticeDepth(shop, options), now });
      }
      allocation.stillWaiting = await queueReads(tx).waitingCount(shop.id, variant.id);
      await tx
        .update(restocks)
        .set({ ...allocation })
        .where(eq(restocks.id, restock.id));
    }
  }
  if (allocation.stillWaiting === 0) allocation.stillWaiting = await queueReads(tx).waitingCount(shop.id, variant.id);
  return { variant: updated, allocation, restockId };
}

/**
 * Stock fell below what is held (sold elsewhere, a recount). The newest holds
 * go first, so the earliest in line keep theirs; each person goes back to
 * waiting in their old place and is told.
 */
async function withdrawExcessHolds(tx: Tx, deps: Deps, shop: Shop, variant: Variant, now: Date): Promise<void> {
  let held = await queueReads(tx).heldUnits(shop.id, variant.id);
  const cap = Math.max(0, variant.inventory);
  if (held <= cap) return;
  const batch = MessageBatch.for(tx, now);
  const newest = await tx
    .select()
    .from(offers)
    .where(and(eq(offers.shopId, shop.id), eq(offers.variantId, variant.id), eq(offers.status, 'active')))
    .orderBy(desc(offers.id));
  const withdrawn = [];
  for (const offer of newest) {
    if (held <= cap) break;
    if (!(await endOffer(tx, offer, 'cancelled', now))) continue;
    held -= offer.units;
    withdrawn.push(offer);
    await tx.update(signups).set({ status: 'waiting', updatedAt: now }).where(and(eq(signups.id, offer.signupId), eq(signups.status, 'offered')));
  }
  const item = itemName(variant);
  // A hold of a large round may end before its announcement (announce.ts): who never heard of it is not told it ended.
  const told = await toldOffers(tx, withdrawn.map((o) => o.id));
  for (const offer of withdrawn.filter((o) => told.has(o.id))) {
    const signup = (await tx.select().from(signups).where(eq(signups.id, offer.signupId)))[0]!;
    const contact = (await contactsById(tx, [signup.contactId])).get(signup.contactId)!;
    const common = { shop, contact, signupId: signup.id, offerId: offer.id, key: `offer:${offer.id}:withdrawn` };
    const position = (await positionOf(tx, signup)) ?? 1;
    batch.email({ ...common, template: 'offer-withdrawn', props: { item, product: productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${signup.token}` }, kind: signup.kind, position, leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${signup.token}` } });
    batch.sms({ ...common, template: 'offer-withdrawn', props: { item, position } });
  }
  await batch.flush();
  if (withdrawn.length > 0) await holdsChanged(tx, shop.id, variant.id, now);
}
