import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { contacts, orders, shops, platformLevels, platformOrderLines, type PlatformLevel, type PlatformOrderLine, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { recordBackorders, type OwedLine } from '../backorders/record.ts';
import { applyInventory, lockedVariant } from '../restock/inventory.ts';
import { ourReservation } from './reserved.ts';

/*
 * The rule (SPEC §2, on a connected platform the platform's level is the truth):
 * a level reported at time `at` includes every order placed at or before `at`.
 * An order line's shortfall is the part of it that drove the platform's level
 * below zero: min(quantity, max(0, −levelRightAfterIt)). Its own decrement is
 * counted once, by the level, never also by Waitline's estimate.
 *
 * The level right after a line is known exactly once two reported levels P < line ≤ R
 * are known and the lines known in (P.at, R.at] add up to P.level − R.level: then
 * no order in between is still in flight, and it is R.level plus the lines placed
 * after this one up to R.at. A line is judged only then, so every arrival order of
 * order webhooks, level webhooks and reconciliations records the same backorders.
 * A line still not judged `config.settleMs` (WAITLINE_SETTLE_MS, 5 minutes) after it
 * arrived is judged on what is known (a webhook was lost): the customer hears within minutes.
 * Lines are judged in placement order, so the backorder queue keeps order time.
 *
 * Waitline's running count is the latest level minus the lines placed after it.
 *
 * The variant is locked before its levels and lines are read: two replicas
 * settling it at once would otherwise judge the same line twice.
 */
export async function settlePlatformVariant(tx: Tx, deps: Deps, shop: Shop, variantId: string): Promise<boolean> {
  const variant = await lockedVariant(tx, shop.id, variantId);
  const now = deps.clock.now();
  const where = (t: typeof platformLevels | typeof platformOrderLines) => and(eq(t.shopId, shop.id), eq(t.variantId, variantId));
  const levels = await tx.select().from(platformLevels).where(where(platformLevels)).orderBy(asc(platformLevels.at), asc(platformLevels.id));
  if (levels.length === 0) return false;
  const lines = (await tx.select().from(platformOrderLines).where(where(platformOrderLines))).sort(byPlacement);

  const owedByOrder = new Map<string, Array<{ line: PlatformOrderLine; quantity: number }>>();
  for (const line of lines) {
    if (line.status !== 'pending') continue;
    const after = levelAfter(levels, lines, line, now.getTime() - line.receivedAt.getTime() >= deps.config.settleMs);
    // Backorders are queued in placement order: a later line waits for an earlier one.
    if (after === null) break;
    const backordered = Math.min(line.quantity, Math.max(0, -after));
    await tx.update(platformOrderLines).set({ status: 'judged', backordered }).where(eq(platformOrderLines.id, line.id));
    line.status = 'judged';
    if (backordered > 0) owedByOrder.set(line.orderId, [...(owedByOrder.get(line.orderId) ?? []), { line, quantity: backordered }]);
  }
  if (!variant) return false;
  for (const [orderId, owed] of owedByOrder) {
    const [order] = await tx.select().from(orders).where(and(eq(orders.shopId, shop.id), eq(orders.id, orderId)));
    if (order) {
      // The order as exported and escalated says what was owed, once that is known.
      const lines = order.lines.map((l) => ({ ...l }));
      for (const o of owed) {
        const line = lines.find((l) => l.variantId === variantId && l.quantity === o.line.quantity && l.backordered === 0) ?? lines.find((l) => l.variantId === variantId);
        if (line) Object.assign(line, { backordered: o.quantity, fromStock: Math.max(0, line.fromStock - o.quantity) });
      }
      await tx.update(orders).set({ lines }).where(and(eq(orders.shopId, shop.id), eq(orders.id, orderId)));
    }
    const contact = order?.contactId ? (await tx.select().from(contacts).where(eq(contacts.id, order.contactId)))[0] : undefined;
    if (!order || !contact) continue;
    const owedLines: OwedLine[] = owed.map((o) => ({ variant, quantity: o.quantity, price: o.line.price }));
    await recordBackorders(tx, deps, { shop, contact, order, lines: owedLines, now, placedAt: owed[0]!.line.placedAt });
  }

  const latest = levels[levels.length - 1]!;
  const estimate = latest.level - sum(lines.filter((l) => l.placedAt > latest.at));
  await prune(tx, shop, variantId, levels, now);
  if (estimate === variant.inventory) return false;
  await applyInventory(tx, deps, shop, variant, estimate);
  return true;
}

/** Job `platform.settle`: lines still not judged `settleMs` after they arrived are judged on what is known. */
export async function settleOverdue(deps: Deps, shopId: string, variantId: string): Promise<void> {
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, shopId));
  if (!shop) return;
  await transaction(deps.db, (tx) => settlePlatformVariant(tx, deps, shop, variantId));
  deps.wake();
}

/** orders/cancelled: a line not yet judged is owed nothing (it still counts in the level it took stock from). */
export async function closePendingLines(tx: Tx, shopId: string, orderId: string): Promise<void> {
  await tx
    .update(platformOrderLines)
    .set({ status: 'judged', backordered: 0 })
    .where(and(eq(platformOrderLines.shopId, shopId), eq(platformOrderLines.orderId, orderId), eq(platformOrderLines.status, 'pending')));
}

/**
 * Records a level the platform reported (or reconciliation read) at `at`, then
 * settles the variant. `available` is the platform's sellable count: the units
 * Waitline reserved there for holds are added back (SPEC §2), so a reservation
 * never reads as a sale. While a reservation move is in flight the level is
 * left out: whether it counts the move is unknown, and the move's job reads
 * the level again once it is done (platform/reservations.ts).
 */
export async function recordPlatformLevel(tx: Tx, deps: Deps, shop: Shop, variantId: string, available: number, at: Date): Promise<boolean> {
  // The variant's lock first (settling takes it too): a level another replica records meanwhile is then read in full.
  await twins(tx).locks.lockVariants(tx, shop.id, [variantId]);
  const reserved = await ourReservation(tx, shop.id, variantId);
  if (reserved === null) return false;
  await tx.insert(platformLevels).values({ shopId: shop.id, variantId, at, level: available + reserved });
  return settlePlatformVariant(tx, deps, shop, variantId);
}

/** Whether Waitline has ever heard this variant's level from the platform; before that its own count is all there is. */
export const hasPlatformLevel = async (tx: Tx, shopId: string, variantId: string) =>
  (await tx.select({ id: platformLevels.id }).from(platformLevels).where(and(eq(platformLevels.shopId, shopId), eq(platformLevels.variantId, variantId))).limit(1)).length > 0;

/** Placement order: the platform's time, then its order id, so equal times order the same way on every arrival. */
const byPlacement = (a: PlatformOrderLine, b: PlatformOrderLine) =>
  a.placedAt.getTime() - b.placedAt.getTime() || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.id - b.id);
const sum = (lines: PlatformOrderLine[]) => lines.reduce((n, l) => n + l.quantity, 0);

/** The platform's level right after `line`, or null while it is not known exactly (and `force` is off). */
function levelAfter(levels: PlatformLevel[], lines: PlatformOrderLine[], line: PlatformOrderLine, force: boolean): number | null {
  const t = line.placedAt.getTime();
  const before = levels.filter((l) => l.at.getTime() < t).at(-1);
  const covering = levels.find((l) => l.at.getTime() >= t);
  const index = lines.indexOf(line);
  const between = (from: number, to: number) => sum(lines.filter((l) => l.placedAt.getTime() > from && l.placedAt.getTime() <= to));
  if (covering) {
    const complete = before !== undefined && between(before.at.getTime(), covering.at.getTime()) === before.level - covering.level;
    if (!complete && !force) return null;
    const later = lines.slice(index + 1).filter((l) => l.placedAt.getTime() <= covering.at.getTime());
    return covering.level + sum(later);
  }
  if (!force || !before) return null;
  const upTo = lines.slice(0, index + 1).filter((l) => l.placedAt.getTime() > before.at.getTime());
  return before.level - sum(upTo);
}

/** How long history is kept: a webhook later than this is judged on what is known. */
const HISTORY_MS = 24 * 3_600_000;

/** History older than a day, except the latest level (the base of the running count). */
async function prune(tx: Tx, shop: Shop, variantId: string, levels: PlatformLevel[], now: Date): Promise<void> {
  const horizon = new Date(now.getTime() - HISTORY_MS);
  const old = levels.slice(0, -1).filter((l) => l.at < horizon).map((l) => l.id);
  if (old.length > 0) await tx.delete(platformLevels).where(inArray(platformLevels.id, old));
  await tx
    .delete(platformOrderLines)
    .where(and(eq(platformOrderLines.shopId, shop.id), eq(platformOrderLines.variantId, variantId), eq(platformOrderLines.status, 'judged'), lt(platformOrderLines.receivedAt, horizon)));
}
