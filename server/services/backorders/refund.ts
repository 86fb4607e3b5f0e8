import { and, eq, isNull } from 'drizzle-orm';
import { backorders, escalations, variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName } from '../variants/upsert.ts';
import { lockedLine, refundOf, releaseLine } from './cancel.ts';
import { presentBackorder, shopLine } from './view.ts';

/**
 * `POST /v1/admin/backorders/:id/refunded`: the merchant (or later, the
 * platform's refund webhook) says the money for what was still owed went
 * back. Only now is the customer told their refund was issued (SPEC §5). A
 * line still waiting leaves the queue; the `refund` escalation the customer's
 * cancel opened is resolved. The amount defaults to what was paid for the
 * units not shipped and may not exceed it. Recorded once: a repeat is a 409
 * and the customer hears of it once, also when two arrive at once (the
 * line is read under its variant's lock, and the update is guarded).
 */
export async function recordRefund(deps: Deps, shop: Shop, id: number, input: { amount?: number }) {
  const result = await transaction(deps.db, async (tx) => {
    const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
    if (line.refundedAt) throw Conflict('This backorder line was already recorded as refunded');
    const owed = line.quantity - line.served;
    if (owed === 0) throw Conflict('Every unit of this line has shipped: nothing owed is left to refund');
    const paid = refundOf(line);
    const amount = input.amount ?? paid;
    if (amount > paid) throw Invalid(`must be at most ${paid}, what was paid for the ${owed} unit(s) not shipped (minor units)`, 'amount');
    const now = deps.clock.now();
    if (line.status === 'waiting') await releaseLine(tx, line, now);
    const [refunded] = await tx
      .update(backorders)
      .set({ refundedAt: now, refundedAmount: amount })
      .where(and(eq(backorders.id, line.id), isNull(backorders.refundedAt)))
      .returning();
    if (!refunded) throw Conflict('This backorder line was already recorded as refunded');
    await tx
      .update(escalations)
      .set({ status: 'resolved', resolution: 'Refund recorded', resolvedAt: now })
      .where(and(eq(escalations.key, `${shop.id}:refund:${line.id}`), eq(escalations.status, 'open')));
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    const batch = MessageBatch.for(tx, now);
    batch.email({
      shop,
      contact,
      backorderId: line.id,
      key: `backorder:${line.id}:refunded`,
      template: 'backorder-refunded',
      props: { item: variant ? itemName(variant) : line.variantId, quantity: owed, order: line.orderId, amount, currency: line.currency },
    });
    await batch.flush();
    return presentBackorder(tx, refunded, variant);
  });
  deps.wake();
  return result;
}
