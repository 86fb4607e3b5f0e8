import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { contacts, escalations, messages, orders, type Escalation } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';

/** Each escalation with what a person needs to act: the order, the customer, the messages they got. */
export function presentEscalations(db: Db, shopId: string, rows: Escalation[]) {
  const contactIds = [...new Set(rows.map((r) => r.contactId).filter((id): id is number => id !== null))];
  const people = new Map(contactIds.length ? db.select().from(contacts).where(inArray(contacts.id, contactIds)).all().map((c) => [c.id, c]) : []);
  return rows.map((e) => {
    const contact = e.contactId === null ? undefined : people.get(e.contactId);
    const order = e.orderId ? db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, e.orderId))).get() : undefined;
    const history = contact
      ? db
          .select({ id: messages.id, template: messages.template, channel: messages.channel, subject: messages.subject, status: messages.status, createdAt: messages.createdAt })
          .from(messages)
          .where(eq(messages.contactId, contact.id))
          .orderBy(desc(messages.id))
          .limit(20)
          .all()
          .map((m) => ({ ...m, createdAt: m.createdAt.toISOString() }))
      : [];
    return {
      id: e.id,
      kind: e.kind,
      status: e.status,
      orderId: e.orderId,
      contact: contact ? { email: contact.email, phone: contact.phone, ordersCount: contact.ordersCount, locale: contact.locale } : null,
      summary: e.summary,
      recommendedAction: e.recommendedAction,
      order: order ? { id: order.id, total: order.total, currency: order.currency, lines: order.lines, createdAt: order.createdAt.toISOString() } : null,
      messages: history,
      resolution: e.resolution,
      createdAt: e.createdAt.toISOString(),
      resolvedAt: e.resolvedAt?.toISOString() ?? null,
    };
  });
}

export function listEscalations(db: Db, shopId: string, q: { status?: 'open' | 'resolved'; cursor?: number; limit: number }) {
  const where: SQL[] = [eq(escalations.shopId, shopId)];
  if (q.status) where.push(eq(escalations.status, q.status));
  if (q.cursor !== undefined) where.push(lt(escalations.id, q.cursor));
  const rows = db.select().from(escalations).where(and(...where)).orderBy(desc(escalations.id)).limit(q.limit + 1).all();
  const page = rows.slice(0, q.limit);
  return { escalations: presentEscalations(db, shopId, page), nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null };
}

export function resolveEscalation(db: Db, shopId: string, id: number, resolution: string | undefined, now: Date) {
  const row = db.select().from(escalations).where(and(eq(escalations.shopId, shopId), eq(escalations.id, id))).get();
  if (!row) throw NotFound('Escalation');
  const updated =
    row.status === 'resolved'
      ? row
      : db.update(escalations).set({ status: 'resolved', resolution: resolution ?? null, resolvedAt: now }).where(eq(escalations.id, id)).returning().get();
  return presentEscalations(db, shopId, [updated])[0]!;
}
