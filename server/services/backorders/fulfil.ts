import { and, eq } from 'drizzle-orm';
import { backorders, variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName } from '../variants/upsert.ts';
import { lockedLine, releaseLine } from './cancel.ts';
import { isVip } from './record.ts';
import { presentBackorder, shopLine } from './view.ts';

export interface Tracking {
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
}

/**
 * `POST /v1/admin/backorders/:id/fulfilled`: the merchant shipped what a line
 * still owed, outside Waitline (another warehouse, a manual parcel). The
 * shipment exists, so the customer is told it is on its way, with tracking
 * when given (SPEC §5). The line leaves the queue and its owed units stop
 * counting against stock, so the next line is served by the next rise. A line
 * already shipped, cancelled or refunded is a 409, and nobody is told twice.
 */
export async function recordFulfilment(deps: Deps, shop: Shop, id: number, tracking: Tracking) {
  const result = await transaction(deps.db, async (tx) => {
    const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
    const already = () => Conflict(`This backorder line is already ${line.refundedAt ? 'refunded' : line.status}`);
    if (line.status !== 'waiting') throw already();
    const now = deps.clock.now();
    const owed = line.quantity - line.served;
    if (!(await releaseLine(tx, line, now, 'shipped'))) throw already();
    const stored = Object.keys(tracking).length > 0 ? tracking : null;
    const [shipped] = await tx.update(backorders).set({ tracking: stored }).where(eq(backorders.id, line.id)).returning();
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    const item = variant ? itemName(variant) : line.variantId;
    const batch = MessageBatch.for(tx, now);
    const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:shipped:${line.quantity}` };
    if (!batch.email({ ...common, template: 'backorder-shipped', props: { item, quantity: owed, remaining: 0, vip: isVip(shop, contact), tracking: stored } })) {
      batch.sms({ ...common, template: 'backorder-shipped', props: { item } });
    }
    await batch.flush();
    return presentBackorder(tx, shipped!, variant);
  });
  deps.wake();
  return result;
}
