import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { contacts, escalations, helpdeskTickets, messages, orders, replies, type Escalation, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { queueTicket, ticketRef } from '../helpdesk/queue.ts';
import { partialLineId } from '../backorders/partials.ts';

/** Each escalation with what a person needs to act: the order, the customer, the messages they got. */
export async function presentEscalations(db: DbOrTx, shopId: string, rows: Escalation[]) {
  const contactIds = [...new Set(rows.map((r) => r.contactId).filter((id): id is number => id !== null))];
  const people = new Map(contactIds.length ? (await db.select().from(contacts).where(inArray(contacts.id, contactIds))).map((c) => [c.id, c]) : []);
  const present = async (e: Escalation) => {
    const contact = e.contactId === null ? undefined : people.get(e.contactId);
    const [order] = e.orderId ? await db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, e.orderId))) : [];
    const history = contact
      ? (
          await db
            .select({ id: messages.id, template: messages.template, channel: messages.channel, subject: messages.subject, status: messages.status, createdAt: messages.createdAt })
            .from(messages)
            .where(eq(messages.contactId, contact.id))
            .orderBy(desc(messages.id))
            .limit(20)
        ).map((m) => ({ ...m, createdAt: m.createdAt.toISOString() }))
      : [];
    const said = await db
      .select({ id: replies.id, channel: replies.channel, from: replies.from, text: replies.text, intent: replies.intent, receivedAt: replies.receivedAt })
      .from(replies)
      .where(and(eq(replies.shopId, shopId), eq(replies.escalationId, e.id)))
      .orderBy(replies.id)
      .limit(50);
    const [ticket] = await db
      .select({ helpdesk: helpdeskTickets.helpdesk, url: helpdeskTickets.url, status: helpdeskTickets.status, externalId: helpdeskTickets.externalId, lastError: helpdeskTickets.lastError })
      .from(helpdeskTickets)
      .where(and(eq(helpdeskTickets.shopId, shopId), eq(helpdeskTickets.ref, ticketRef(e))))
      .limit(1);
    return {
      id: e.id,
      kind: e.kind,
      status: e.status,
      orderId: e.orderId,
      /** The backorder line a partial shipment sets aside, for its Confirm (POST /v1/admin/backorders/:id/confirm-partial); null for other kinds. */
      backorderId: e.kind === 'partial_shipment' ? partialLineId(shopId, e.key) : null,
      contact: contact ? { email: contact.email, phone: contact.phone, ordersCount: contact.ordersCount, locale: contact.locale } : null,
      summary: e.summary,
      recommendedAction: e.recommendedAction,
      order: order ? { id: order.id, name: order.name, total: order.total, currency: order.currency, lines: order.lines, createdAt: order.createdAt.toISOString() } : null,
      messages: history,
      /** The customer's replies that opened or joined this case, oldest first. */
      replies: said.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
      /** Its helpdesk ticket: null until the helpdesk answered (`lastError` says why not yet). */
      ticket: ticket ?? null,
      resolution: e.resolution,
      createdAt: e.createdAt.toISOString(),
      resolvedAt: e.resolvedAt?.toISOString() ?? null,
    };
  };
  const presented = [];
  for (const e of rows) presented.push(await present(e));
  return presented;
}

export async function listEscalations(db: DbOrTx, shopId: string, q: { status?: 'open' | 'resolved'; cursor?: number; limit: number }) {
  const where: SQL[] = [eq(escalations.shopId, shopId)];
  if (q.status) where.push(eq(escalations.status, q.status));
  if (q.cursor !== undefined) where.push(lt(escalations.id, q.cursor));
  const rows = await db.select().from(escalations).where(and(...where)).orderBy(desc(escalations.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { escalations: await presentEscalations(db, shopId, page), nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null };
}

/**
 * An entry point (the dashboard's resolve): its own transaction, answered
 * after commit. The helpdesk ticket of its order closes when this was the
 * order's last open case.
 */
export async function resolveEscalation(deps: Pick<Deps, 'db' | 'clock' | 'wake'>, shop: Shop, id: number, resolution: string | undefined) {
  const now = deps.clock.now();
  const resolved = await transaction(deps.db, async (tx) => {
    const [row] = await tx.select().from(escalations).where(and(eq(escalations.shopId, shop.id), eq(escalations.id, id)));
    if (!row) throw NotFound('Escalation');
    if (row.status === 'resolved') return (await presentEscalations(tx, shop.id, [row]))[0]!;
    const [updated] = await tx.update(escalations).set({ status: 'resolved', resolution: resolution ?? null, resolvedAt: now }).where(eq(escalations.id, id)).returning();
    await queueTicket(tx, shop, ticketRef(row), `esc:${row.id}:close`, { event: 'close', escalationId: row.id }, now);
    return (await presentEscalations(tx, shop.id, [updated!]))[0]!;
  });
  deps.wake();
  return resolved;
}
