import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { affected } from '../../../db/raw.ts';
import { backorders, contacts, messages, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { holdPartial, unitsTold } from './confirm-partial.ts';
import { settlePartials } from './partials.ts';
import { isVip } from './record.ts';

/**
 * The part of a rise below zero: units go to backorder lines in order-time
 * FIFO, before any waitlist offer. A line fully served is `allocated`: its
 * stock is there and being packed, and the customer hears exactly that. It is
 * `shipped` only once a fulfillment exists (fulfil.ts). A line served in part
 * is a partial shipment: its units are set aside, and the customer is told
 * only once a person confirms that part ships now (confirm-partial.ts).
 * Returns how many lines were served. The caller holds the variant's lock
 * (restock/inventory.ts), as does every release of a line (cancel.ts).
 */
export async function serveBackorders(tx: Tx, deps: Deps, args: { shop: Shop; variant: Variant; units: number; now: Date }): Promise<number> {
  const { shop, variant, now } = args;
  let remaining = args.units;
  let served = 0;
  const batch = MessageBatch.for(tx, now);
  const item = itemName(variant);
  while (remaining > 0) {
    const [line] = await tx
      .select()
      .from(backorders)
      .where(and(eq(backorders.shopId, shop.id), eq(backorders.variantId, variant.id), eq(backorders.status, 'waiting')))
      .orderBy(asc(backorders.createdAt), asc(backorders.id))
      .limit(1);
    if (!line) break;
    const give = Math.min(remaining, line.quantity - line.served);
    remaining -= give;
    served++;
    const left = line.quantity - line.served - give;
    const marked = await tx
      .update(backorders)
      .set({ served: sql`${backorders.served} + ${give}`, ...(left === 0 ? { status: 'allocated' } : {}) })
      .where(and(eq(backorders.id, line.id), eq(backorders.status, 'waiting'), eq(backorders.served, line.served)));
    // A line changed since it was read: only a release that skipped the variant's lock does that.
    if (affected(marked) === 0) throw new Error(`serveBackorders: backorder ${line.id} changed while it was served`);
    // Part of a line waits for a person before the customer hears (confirm-partial.ts).
    if (left > 0) {
      await holdPartial(tx, deps, { shop, line, give, item, now });
      continue;
    }
    // Cadence messages still queued for a line whose stock is here would be wrong now.
    await tx.update(messages).set({ status: 'suppressed', error: 'backorder allocated' }).where(and(eq(messages.backorderId, line.id), eq(messages.status, 'queued')));
    // A part nobody confirmed is moot now; the customer hears of every unit not told of yet.
    await settlePartials(tx, shop, line, 'Served in full before confirmation', now);
    const contact = (await tx.select().from(contacts).where(eq(contacts.id, line.contactId)))[0]!;
    const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:allocated:${line.quantity}` };
    const quantity = line.quantity - (await unitsTold(tx, line));
    batch.email({ ...common, template: 'backorder-allocated', props: { item, product: productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${line.token}`, order: line.orderName }, quantity, remaining: 0, vip: isVip(shop, contact) } });
    batch.sms({ ...common, template: 'backorder-allocated', props: { item, order: line.orderName } });
  }
  await batch.flush();
  return served;
}
