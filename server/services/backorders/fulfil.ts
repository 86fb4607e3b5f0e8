import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { backorders, variants, type Backorder, type Contact, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { lockedLine, releaseLine } from './cancel.ts';
import { isVip } from './record.ts';
import { presentBackorder, shopLine } from './view.ts';

export interface Tracking {
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
}

/** Lines a shipment can still be recorded for: waiting for stock, or allocated and being packed. */
export const SHIPPABLE = ['waiting', 'allocated'] as const;

/**
 * A fulfillment exists for this line, so the customer is told it is on its way,
 * with tracking when known (SPEC §5: "shipped" means a fulfillment exists). An
 * allocated line already had its units; a line still waiting was shipped from
 * elsewhere, so its owed units stop counting against stock (releaseLine).
 * `line` was read under its variant's lock (`lockedLine`).
 * Null when the line was no longer shippable, and nothing changed.
 */
async function shipLine(tx: Tx, deps: Deps, shop: Shop, line: Backorder, contact: Contact, tracking: Tracking): Promise<Backorder | null> {
  const now = deps.clock.now();
  const stored = Object.keys(tracking).length > 0 ? tracking : null;
  if (!(await releaseLine(tx, shop, line, now, 'shipped'))) return null;
  const [shipped] = await tx.update(backorders).set({ tracking: stored }).where(eq(backorders.id, line.id)).returning();
  if (!shipped) return null;
  const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
  const item = variant ? itemName(variant) : line.variantId;
  const batch = MessageBatch.for(tx, now);
  const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:shipped` };
  batch.email({ ...common, template: 'backorder-shipped', props: { item, product: variant && productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${line.token}`, order: line.orderName }, quantity: line.quantity, vip: isVip(shop, contact), tracking: stored } });
  batch.sms({ ...common, template: 'backorder-shipped', props: { item, order: line.orderName } });
  await batch.flush();
  return shipped;
}

/**
 * `POST /v1/admin/backorders/:id/fulfilled`: the merchant shipped a line
 * (packed from stock Waitline allocated, or from another warehouse) and says so,
 * with tracking when given. A line already shipped, cancelled or refunded is a
 * 409, and nobody is told twice.
 */
export async function recordFulfilment(deps: Deps, shop: Shop, id: number, tracking: Tracking) {
  const result = await transaction(deps.db, async (tx) => {
    const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
    const already = () => Conflict(`This backorder line is already ${line.refundedAt ? 'refunded' : line.status}`);
    if (!(SHIPPABLE as readonly string[]).includes(line.status)) throw already();
    const shipped = await shipLine(tx, deps, shop, line, contact, tracking);
    if (!shipped) throw already();
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    return presentBackorder(tx, shipped, variant);
  });
  deps.wake();
  return result;
}

/**
 * A platform fulfillment that leaves nothing of an order's line for this
 * variant to ship: every backorder line of that order and variant has shipped.
 * Each line is shipped in its own transaction under its variant's lock; a line
 * cancelled or shipped meanwhile is left as it is. Returns how many shipped.
 */
export async function shipOrderLines(deps: Deps, shop: Shop, orderId: string, variantId: string, tracking: Tracking): Promise<number> {
  const open = await deps.db
    .select({ id: backorders.id })
    .from(backorders)
    .where(and(eq(backorders.shopId, shop.id), eq(backorders.orderId, orderId), eq(backorders.variantId, variantId), inArray(backorders.status, [...SHIPPABLE])))
    .orderBy(asc(backorders.id));
  let shipped = 0;
  for (const { id } of open) {
    const done = await transaction(deps.db, async (tx) => {
      const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
      if (!(SHIPPABLE as readonly string[]).includes(line.status)) return false;
      return (await shipLine(tx, deps, shop, line, contact, tracking)) !== null;
    });
    if (done) shipped++;
  }
  if (shipped > 0) deps.wake();
  return shipped;
}
