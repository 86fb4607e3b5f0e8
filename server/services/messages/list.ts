import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/index.ts';
import { messages, type Message } from '../../../db/schema/index.ts';

export interface MessageListQuery {
  to?: string;
  template?: string;
  cursor?: number;
  limit: number;
}

/** Newest first; with the outbox transport the rows are the rendered messages as they would be sent. */
export function listMessages(db: Db, shopId: string, q: MessageListQuery) {
  const where: SQL[] = [eq(messages.shopId, shopId)];
  if (q.to) where.push(eq(messages.to, q.to));
  if (q.template) where.push(eq(messages.template, q.template));
  if (q.cursor !== undefined) where.push(lt(messages.id, q.cursor));
  const rows = db
    .select()
    .from(messages)
    .where(and(...where))
    .orderBy(desc(messages.id))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { messages: page.map(presentMessage), nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentMessage(m: Message) {
  return {
    id: m.id,
    template: m.template,
    channel: m.channel,
    to: m.to,
    from: m.from,
    subject: m.subject,
    text: m.text,
    html: m.html,
    headers: m.headers,
    status: m.status,
    transport: m.transport,
    providerId: m.providerId,
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    sentAt: iso(m.sentAt),
    openedAt: iso(m.openedAt),
    clickedAt: iso(m.clickedAt),
  };
}
