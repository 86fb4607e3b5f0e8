import { and, eq, sql } from 'drizzle-orm';
import { backorders, contacts, messages, shops, variants, type Backorder, type Shop } from '../../../db/schema/index.ts';
import type { DbOrTx } from '../../../db/index.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { money } from '../../../emails/index.ts';
import { openEscalation } from '../escalations/open.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName } from '../variants/upsert.ts';

/** The backorder behind a cancel link, with what the page shows. */
export function backorderByToken(db: DbOrTx, tokenValue: string) {
  const row = db
    .select({ line: backorders, shop: shops, contact: contacts, variant: variants })
    .from(backorders)
    .innerJoin(shops, eq(shops.id, backorders.shopId))
    .innerJoin(contacts, eq(contacts.id, backorders.contactId))
    .innerJoin(variants, and(eq(variants.shopId, backorders.shopId), eq(variants.id, backorders.variantId)))
    .where(eq(backorders.token, tokenValue))
    .get();
  if (!row) throw NotFound('Backorder');
  return row;
}

export const refundOf = (line: Backorder) => (line.quantity - line.served) * line.price;

/**
 * What is still owed is cancelled: the line leaves the queue (the next in line
 * moves up) and its units no longer count against stock. When the customer
 * cancels, the merchant gets a `refund` escalation to pay it back and the
 * customer a confirmation; when the merchant cancelled the order on the
 * platform, neither is needed. A second cancel, or one after shipping, changes nothing.
 */
export function cancelBackorder(
  deps: Deps,
  tokenValue: string,
  opts: { by: 'customer' | 'merchant' } = { by: 'customer' },
): { outcome: 'cancelled' | 'already' | 'shipped'; line: Backorder; shop: Shop } {
  const result = deps.db.transaction((tx) => {
    const { line, shop, contact, variant } = backorderByToken(tx, tokenValue);
    if (line.status === 'cancelled') return { outcome: 'already' as const, line, shop };
    if (line.status === 'shipped') return { outcome: 'shipped' as const, line, shop };
    const now = deps.clock.now();
    const owed = line.quantity - line.served;
    const cancelled = tx.update(backorders).set({ status: 'cancelled', resolvedAt: now }).where(eq(backorders.id, line.id)).returning().get();
    // The owed units were taken below zero; with the line gone they are not owed.
    tx.update(variants)
      .set({ inventory: sql`${variants.inventory} + ${owed}`, updatedAt: now })
      .where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)))
      .run();
    tx.update(messages).set({ status: 'suppressed', error: 'backorder cancelled' }).where(and(eq(messages.backorderId, line.id), eq(messages.status, 'queued'))).run();
    if (opts.by === 'merchant') return { outcome: 'cancelled' as const, line: cancelled, shop };
    const item = itemName(variant);
    const amount = refundOf(line);
    openEscalation(tx, deps, {
      shop,
      kind: 'refund',
      key: `${line.id}`,
      orderId: line.orderId,
      contactId: contact.id,
      summary: `Customer cancelled ${owed} × ${item} from order ${line.orderId}: refund ${money(amount, line.currency, 'en')}.`,
      recommendedAction: `Refund ${money(amount, line.currency, 'en')} on order ${line.orderId} in your store admin.`,
      now,
    });
    const batch = MessageBatch.for(deps, now);
    batch.email({
      shop,
      contact,
      backorderId: line.id,
      key: `backorder:${line.id}:cancelled`,
      template: 'backorder-cancelled',
      props: { item, quantity: owed, order: line.orderId, amount, currency: line.currency },
    });
    batch.flush();
    return { outcome: 'cancelled' as const, line: cancelled, shop };
  });
  if (result.outcome === 'cancelled') deps.wake();
  return result;
}
