import { and, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { escalations, messages, variants, type Backorder, type Contact, type Shop, type Variant } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { openEscalation } from '../escalations/open.ts';
import { queueTicket, ticketRef } from '../helpdesk/queue.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { lockedLine } from './cancel.ts';
import { isVip } from './record.ts';
import { settlePartials } from './partials.ts';
import { heldKey, presentBackorder, shopLine } from './view.ts';

/**
 * The units of a line its customer was already told are set aside: the
 * `backorder-allocated` messages are keyed by the units set aside when each
 * was written (a confirmed part, or a part told before parts waited).
 */
export async function unitsTold(db: DbOrTx, line: Backorder): Promise<number> {
  const told = await db
    .select({ key: messages.idempotencyKey })
    .from(messages)
    .where(and(eq(messages.backorderId, line.id), eq(messages.template, 'backorder-allocated')));
  // enqueue.ts `idempotencyKey`: `<shop>:<key>:<channel>`.
  const prefix = `${line.shopId}:backorder:${line.id}:allocated:`;
  return Math.max(0, ...told.map((m) => (m.key.startsWith(prefix) ? Number(m.key.slice(prefix.length).split(':')[0]) || 0 : 0)));
}

/**
 * Units were set aside for part of a line (serve.ts): a person decides
 * whether that part ships now before the customer hears anything, since a
 * split shipment costs the merchant and some customers would rather wait.
 * `line` is as it was read before this serve; `give` the units set aside now.
 */
export async function holdPartial(tx: Tx, deps: Deps, args: { shop: Shop; line: Backorder; give: number; item: string; now: Date }): Promise<void> {
  const { shop, line, give, item, now } = args;
  const served = line.served + give;
  const left = line.quantity - served;
  await settlePartials(tx, shop, line, `Superseded: ${served} of ${line.quantity} now set aside`, now);
  await openEscalation(tx, deps, {
    shop,
    kind: 'partial_shipment',
    key: `${line.id}:${served}`,
    orderId: line.orderId,
    contactId: line.contactId,
    summary: `Order ${line.orderName}: ${served} of ${line.quantity} × ${item} in stock and set aside; ${left} still owed. The customer has not been told yet.`,
    recommendedAction: `Confirm the partial shipment (Confirm, or POST /v1/admin/backorders/${line.id}/confirm-partial) to tell the customer ${served} ship now and ${left} will follow; or ask them whether to wait for the rest or cancel the remainder for a refund.`,
    now,
  });
}

/** The partial `backorder-allocated` message: what is set aside now, and what is still owed. */
function tellPartial(batch: MessageBatch, deps: Deps, shop: Shop, line: Backorder, contact: Contact, variant: Variant | undefined) {
  const item = variant ? itemName(variant) : line.variantId;
  const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:allocated:${line.served}` };
  const props = {
    item,
    product: variant && productInfo(variant),
    status: { url: `${deps.config.publicUrl}/s/${line.token}`, order: line.orderName },
    quantity: line.served,
    remaining: line.quantity - line.served,
    vip: isVip(shop, contact),
  };
  batch.email({ ...common, template: 'backorder-allocated', props });
  batch.sms({ ...common, template: 'backorder-allocated', props: { item, order: line.orderName } });
}

/**
 * `POST /v1/admin/backorders/:id/confirm-partial`: a person confirms that
 * the units set aside ship now. In one transaction the customer is told
 * (quantity set aside, the rest to follow) and the escalation is resolved.
 * Read under the variant's lock, so a restock cannot change the part between
 * the check and the message; the message key names the part, so a double
 * click tells the customer once and the second is a 409.
 */
export async function confirmPartial(deps: Deps, shop: Shop, id: number, input: { note?: string }) {
  const result = await transaction(deps.db, async (tx) => {
    const { line, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, id));
    if (line.status !== 'waiting') throw Conflict(`This line is no longer waiting for stock (${line.status}): there is no partial shipment to confirm`);
    if (line.served === 0) throw Conflict('No units of this line are set aside: there is no partial shipment to confirm');
    const now = deps.clock.now();
    const [held] = await tx.select().from(escalations).where(eq(escalations.key, heldKey(shop.id, line.id, line.served)));
    if (!held) throw Conflict('This line has no partial shipment awaiting confirmation');
    const owed = line.quantity - line.served;
    const resolution = `Confirmed: ${line.served} of ${line.quantity} ship now, ${owed} to follow${input.note ? `. ${input.note}` : ''}`;
    const [confirmed] = await tx
      .update(escalations)
      .set({ status: 'resolved', resolution, resolvedAt: now })
      .where(and(eq(escalations.id, held.id), eq(escalations.status, 'open')))
      .returning({ id: escalations.id });
    if (!confirmed) throw Conflict(`This partial shipment was already settled: ${held.resolution ?? 'resolved'}`);
    await queueTicket(tx, shop, ticketRef(held), `esc:${held.id}:close`, { event: 'close', escalationId: held.id }, now);
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    const batch = MessageBatch.for(tx, now);
    tellPartial(batch, deps, shop, line, contact, variant);
    const told = batch.size > 0;
    await batch.flush();
    return { backorder: await presentBackorder(tx, line, variant), told };
  });
  deps.wake();
  return result;
}
