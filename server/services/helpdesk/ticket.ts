import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, contacts, escalations, messages, orders, replies, variants, type Backorder, type Contact, type Shop } from '../../../db/schema/index.ts';
import { money } from '../../../emails/index.ts';
import type { NewTicket } from '../../platforms/helpdesk/index.ts';
import { backorderStatus } from '../backorders/view.ts';
import { isVip } from '../backorders/record.ts';
import { etaSourceOf } from '../status/backorder.ts';
import { itemName, presentEta } from '../variants/upsert.ts';

const SOURCE = { merchant: 'set by the shop', history: "predicted from the supplier's delivery history", quote: "the supplier's quoted date" } as const;

/** The key the helpdesk knows our ticket by: opaque, stable, and safe as a tag in every helpdesk. */
export const helpdeskRef = (shopId: string, ref: string) =>
  `waitline-${createHash('sha256').update(shopId).digest('hex').slice(0, 8)}-${createHash('sha256').update(ref).digest('hex').slice(0, 16)}`;

export interface TicketContent {
  subject: string;
  requester: NewTicket['requester'];
  body: string;
}

/**
 * What the support team needs on the ticket, read when it is sent so it is
 * current: the case and the recommended action, the order and its value, the
 * customer's history with the shop, the ETA with where it came from, the last
 * message we sent them and their latest reply.
 */
export async function escalationTicket(db: DbOrTx, shop: Shop, escalationId: number, publicUrl: string): Promise<TicketContent | null> {
  const [e] = await db.select().from(escalations).where(and(eq(escalations.shopId, shop.id), eq(escalations.id, escalationId)));
  if (!e) return null;
  const [contact] = e.contactId !== null ? await db.select().from(contacts).where(eq(contacts.id, e.contactId)) : [];
  const context = await orderContext(db, shop, e.orderId, contact);
  const title = e.kind.replace(/_/g, ' ');
  return {
    subject: e.orderId ? `Order ${context.orderName}: ${title}` : `Waitline: ${title}`,
    requester: { email: contact?.email ?? null, phone: contact?.phone ?? null, name: null },
    body: [e.summary, `Recommended: ${e.recommendedAction}`, ...context.lines, `Open in Waitline: ${publicUrl}/admin/escalations`].join('\n\n'),
  };
}

/** A ticket for a new backorder (`helpdesk.ticketPerBackorder`): the same context, no case yet. */
export async function backorderTicket(db: DbOrTx, shop: Shop, backorderId: number, publicUrl: string): Promise<TicketContent | null> {
  const [line] = await db.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.id, backorderId)));
  if (!line) return null;
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, line.contactId));
  const context = await orderContext(db, shop, line.orderId, contact);
  return {
    subject: `Order ${line.orderName}: backordered`,
    requester: { email: contact?.email ?? null, phone: contact?.phone ?? null, name: null },
    body: [`Order ${line.orderName} is waiting for stock. Waitline acknowledged it and keeps the customer updated; nothing to do unless they write.`, ...context.lines, `Open in Waitline: ${publicUrl}/admin`].join('\n\n'),
  };
}

async function orderContext(db: DbOrTx, shop: Shop, orderId: string | null, contact: Contact | undefined) {
  const lines: string[] = [];
  const [order] = orderId ? await db.select().from(orders).where(and(eq(orders.shopId, shop.id), eq(orders.id, orderId))) : [];
  const locale = shop.settings.locale;
  if (order) lines.push(`Order ${order.name}: ${money(order.total, order.currency, locale)}, placed ${order.createdAt.toISOString().slice(0, 10)}.`);
  if (contact) {
    const vip = isVip(shop, contact) ? ' (VIP)' : contact.ordersCount <= 1 ? ' (first order)' : '';
    lines.push(`Customer: ${[contact.email, contact.phone].filter(Boolean).join(', ')}; ${contact.ordersCount} order(s) with the shop${vip}.`);
  }
  const waiting: Backorder[] = orderId ? await db.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.orderId, orderId))).orderBy(backorders.id) : [];
  for (const line of waiting) {
    const [variant] = await db.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    const eta = variant ? presentEta(variant) : null;
    const source = variant ? etaSourceOf(variant) : null;
    const when = eta ? `ETA ${eta.earliest} to ${eta.latest}${source ? `, ${SOURCE[source]}` : ''}` : 'no ETA yet';
    lines.push(`${line.quantity - line.served} × ${variant ? itemName(variant) : line.variantId}: ${backorderStatus(line)}; ${when}. ${money((line.quantity - line.served) * line.price, line.currency, locale)} owed.`);
  }
  if (contact) {
    const [sent] = await db
      .select({ subject: messages.subject, template: messages.template, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.shopId, shop.id), eq(messages.contactId, contact.id)))
      .orderBy(desc(messages.id))
      .limit(1);
    if (sent) lines.push(`Last message we sent (${sent.template}, ${sent.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC): ${sent.subject ?? ''}\n${excerpt(sent.text ?? '(not rendered yet)')}`);
    const [reply] = await db.select().from(replies).where(and(eq(replies.shopId, shop.id), eq(replies.contactId, contact.id))).orderBy(desc(replies.id)).limit(1);
    if (reply) lines.push(`Their latest reply (${reply.channel}, read as ${reply.intent}): ${excerpt(reply.text)}`);
  }
  return { orderName: order?.name ?? orderId ?? '', lines };
}

const excerpt = (text: string) => (text.length > 1200 ? `${text.slice(0, 1197)}…` : text);
