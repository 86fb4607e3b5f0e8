import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { backorders, escalations, variants, type Backorder, type Contact, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { lockedLine, refundOf, releaseLine } from './cancel.ts';
import { presentBackorder, shopLine } from './view.ts';

/**
 * The money for what a line still owed went back, and the platform or the
 * merchant confirmed it: only now is the customer told their refund was issued
 * (SPEC §5). A line still waiting leaves the queue; the `refund` escalation the
 * customer's cancel opened is resolved. `line` was read under its variant's
 * lock and owes units; null when it was refunded meanwhile, and nothing changed.
 */
export async function refundLine(tx: Tx, deps: Deps, shop: Shop, line: Backorder, contact: Contact, amount: number): Promise<Backorder | null> {
  const now = deps.clock.now();
  if (line.status === 'waiting') await releaseLine(tx, shop, line, now);
  const [refunded] = await tx
    .update(backorders)
    .set({ refundedAt: now, refundedAmount: amount })
    .where(and(eq(backorders.id, line.id), isNull(backorders.refundedAt)))
    .returning();
  if (!refunded) return null;
  await tx
    .update(escalations)
    .set({ status: 'resolved', resolution: 'Refund recorded', resolvedAt: now })
    .where(and(eq(escalations.key, `${shop.id}:refund:${line.id}`), eq(escalations.status, 'open')));
  const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
  const batch = MessageBatch.for(tx, now);
  const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:refunded` };
  const item = variant ? itemName(variant) : line.variantId;
  batch.email({
    ...common,
    template: 'backorder-refunded',
    props: { item, product: variant && productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${line.token}` }, quantity: line.quantity - line.served, order: line.orderName, amount, currency: line.currency },
  });
  batch.sms({ ...common, template: 'backorder-refunded', props: { item, order: line.orderName, amount, currency: line.currency } });
  await batch.flush();
  return refunded;
}

/**
 * `POST /v1/admin/backorders/:id/refunded`: the merchant says the money for
 * what was still owed went back. The amount defaults to what was paid for the
 * units not shipped and may not exceed it. Recorded once: a repeat is a 409 and
 * the customer hears of it once, also when two arrive at once (the line is read
 * under its variant's lock, and the update is guarded).
 */
export async function recordRefund(deps: Deps, shop: Shop, id: number, input: { amount?: number }) {
  const result = await transaction(deps.db, async (tx) => {
    const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
    if (line.refundedAt) throw Conflict('This backorder line was already recorded as refunded');
    const owed = line.quantity - line.served;
    if (owed === 0) throw Conflict('Every unit of this line was served from stock: nothing owed is left to refund');
    const paid = refundOf(line);
    const amount = input.amount ?? paid;
    if (amount > paid) throw Invalid(`must be at most ${paid}, what was paid for the ${owed} unit(s) not shipped (minor units)`, 'amount');
    const refunded = await refundLine(tx, deps, shop, line, contact, amount);
    if (!refunded) throw Conflict('This backorder line was already recorded as refunded');
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    return presentBackorder(tx, refunded, variant);
  });
  deps.wake();
  return result;
}

/**
 * A platform refund of `units` of an order's line for this variant, at
 * `perUnit` minor units each: the order's backorder lines that still owe units
 * (waiting, or cancelled and awaiting their refund) are refunded in FIFO order,
 * each in full. A refund too small to cover a whole line leaves that line for
 * a person, and the customer hears nothing untrue. Returns how many lines were
 * refunded; one refunded already (a repeat delivery, or the merchant's own
 * record) is left as it is.
 */
export async function refundOrderLines(deps: Deps, shop: Shop, orderId: string, variantId: string, refund: { units: number; perUnit: number }): Promise<number> {
  const owing = await deps.db
    .select({ id: backorders.id })
    .from(backorders)
    .where(
      and(
        eq(backorders.shopId, shop.id),
        eq(backorders.orderId, orderId),
        eq(backorders.variantId, variantId),
        inArray(backorders.status, ['waiting', 'cancelled']),
        isNull(backorders.refundedAt),
        gt(backorders.quantity, backorders.served),
      ),
    )
    .orderBy(asc(backorders.id));
  let units = refund.units;
  let refunded = 0;
  for (const { id } of owing) {
    const done = await transaction(deps.db, async (tx) => {
      const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
      const owed = line.quantity - line.served;
      if (line.refundedAt || owed === 0 || owed > units || !['waiting', 'cancelled'].includes(line.status)) return false;
      const amount = Math.min(refund.perUnit * owed, refundOf(line));
      if (amount <= 0) return false;
      units -= owed;
      return (await refundLine(tx, deps, shop, line, contact, amount)) !== null;
    });
    if (done) refunded++;
    else deps.log('shopify refund left for a person', { shop: shop.id, order: orderId, backorder: id });
  }
  if (refunded > 0) deps.wake();
  return refunded;
}
