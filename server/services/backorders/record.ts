import type { Tx } from '../../../db/index.ts';
import { backorders, type Contact, type Order, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { rowToken } from '../../lib/tokens.ts';
import { money } from '../../../emails/index.ts';
import type { Care } from '../../../emails/parts.ts';
import { vipCareOf } from '../settings/schema.ts';
import { cadenceSteps } from './steps.ts';
import { queueTicket } from '../helpdesk/queue.ts';
import { openEscalation } from '../escalations/open.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, presentEta, productInfo } from '../variants/upsert.ts';

export interface OwedLine {
  variant: Variant;
  quantity: number;
  price: number;
}

/** At least `escalation.vipOrders` orders before this one: the contact's count already includes it (ours, or the platform's). */
export const isVip = (shop: Shop, contact: Contact) => contact.ordersCount - 1 >= shop.settings.escalation.vipOrders;

/**
 * Tone by context (SPEC §3.3): a VIP hears a loyalty line, and that the order
 * ships express when the shop offers it; a first-time buyer (this order is
 * their first) gets the simple version, with the shop's FAQ.
 */
export function careOf(shop: Shop, contact: Contact): Care {
  const vip = isVip(shop, contact);
  return { vip, expedite: vip && vipCareOf(shop.settings).expeditedShipping, firstTime: !vip && contact.ordersCount <= 1, faqUrl: shop.settings.faqUrl ?? null };
}

/**
 * The shortfall of an order's lines becomes backorder lines, in order-time
 * FIFO. Each gets an acknowledgement within the minute (item, ETA range, what
 * happens next, cancel-for-refund link, contact line) and its cadence jobs;
 * a large order or a far ETA goes to a person.
 */
export async function recordBackorders(
  tx: Tx,
  deps: Deps,
  args: { shop: Shop; contact: Contact; order: Pick<Order, 'id' | 'name' | 'currency' | 'total'>; lines: OwedLine[]; now: Date; placedAt?: Date },
): Promise<Array<{ id: number; variantId: string; quantity: number }>> {
  const { shop, contact, order, now } = args;
  const { escalation } = shop.settings;
  const batch = MessageBatch.for(tx, now);
  const care = careOf(shop, contact);
  const steps = cadenceSteps(shop.settings, care.vip);
  // A person reviews any cancellation of a large order, so its ack offers to ask, not to cancel.
  const review = order.total > escalation.orderValue;
  const recorded = [];
  for (const line of args.lines) {
    const [inserted] = await tx
      .insert(backorders)
      .values({
        shopId: shop.id,
        orderId: order.id,
        orderName: order.name,
        variantId: line.variant.id,
        contactId: contact.id,
        quantity: line.quantity,
        price: line.price,
        currency: order.currency,
        token: rowToken(now),
        locale: contact.locale,
        // The queue is in order time: when the platform placed it, if that is known.
        createdAt: args.placedAt ?? now,
      })
      .returning();
    const row = inserted!;
    recorded.push({ id: row.id, variantId: row.variantId, quantity: row.quantity });
    const item = itemName(line.variant);
    const eta = presentEta(line.variant);
    const cancelUrl = `${deps.config.publicUrl}/b/${row.token}`;
    const status = { url: `${deps.config.publicUrl}/s/${row.token}`, order: order.name, nextUpdate: new Date(now.getTime() + steps[0]!.afterMs).toISOString() };
    const common = { shop, contact, backorderId: row.id, key: `backorder:${row.id}:ack` };
    // Order notices go by email and, where the customer consented to texts, by SMS as well.
    batch.email({ ...common, template: 'backorder-ack', props: { item, product: productInfo(line.variant), status, quantity: line.quantity, eta, ...care, cancelUrl, review } });
    batch.sms({ ...common, template: 'backorder-ack', props: { item, order: order.name, eta, cancelUrl, review } });
    await enqueueJobs(
      tx,
      steps.map(({ step, stage, afterMs }) => ({
        kind: 'backorder.update',
        key: `backorder:${row.id}:${step}`,
        runAt: new Date(now.getTime() + afterMs),
        payload: { backorderId: row.id, stage, step },
      })),
      now,
    );
    // `helpdesk.ticketPerBackorder`: the support team sees every backorder, not only the escalated ones.
    if (shop.settings.helpdesk?.ticketPerBackorder) await queueTicket(tx, shop, `order:${row.orderId}`, `bo:${row.id}`, { event: 'backorder', backorderId: row.id }, now);
    if (eta && Date.parse(`${eta.latest}T00:00:00Z`) > now.getTime() + escalation.etaDays * 86_400_000) {
      await openEscalation(tx, deps, {
        shop,
        kind: 'eta_long',
        key: order.id,
        orderId: order.id,
        contactId: contact.id,
        summary: `Order ${order.name}: ${item} is expected as late as ${eta.latest}, more than ${escalation.etaDays} days out.`,
        recommendedAction: 'Call or email the customer personally: confirm they want to wait, offer an alternative or a discount.',
        now,
      });
    }
  }
  if (recorded.length > 0 && order.total > escalation.orderValue) {
    await openEscalation(tx, deps, {
      shop,
      kind: 'order_value',
      key: order.id,
      orderId: order.id,
      contactId: contact.id,
      summary: `Order ${order.name} (${money(order.total, order.currency, 'en')}) has backordered items.`,
      recommendedAction: 'Reach out personally with the ETA and a direct contact; consider expediting or a partial shipment.',
      now,
    });
  }
  await batch.flush();
  return recorded;
}
