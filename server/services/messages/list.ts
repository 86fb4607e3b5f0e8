import { and, desc, eq, lt, ne, type SQL } from 'drizzle-orm';
import type { Deps } from '../../context.ts';
import { renderRows } from './render.ts';
import { untracked } from './preview.ts';
import { messages, type Message } from '../../../db/schema/index.ts';

export interface MessageListQuery {
  to?: string;
  template?: string;
  signupId?: number;
  cursor?: number;
  limit: number;
  /** Team sign-in links are for owners' eyes only: anyone else could sign in as whoever they were sent to. */
  withoutTeamLinks?: boolean;
}

/**
 * Newest first, each as it is or will be sent: a message still waiting to be
 * dispatched is rendered for reading (and rendered for real when claimed).
 */
export async function listMessages(deps: Pick<Deps, 'db' | 'config' | 'secret' | 'clock'>, shopId: string, q: MessageListQuery) {
  const { db } = deps;
  const where: SQL[] = [eq(messages.shopId, shopId)];
  if (q.to) where.push(eq(messages.to, q.to));
  if (q.template) where.push(eq(messages.template, q.template));
  if (q.signupId) where.push(eq(messages.signupId, q.signupId));
  if (q.withoutTeamLinks) where.push(ne(messages.template, 'team-link'));
  if (q.cursor !== undefined) where.push(lt(messages.id, q.cursor));
  const rows = await db
    .select()
    .from(messages)
    .where(and(...where))
    .orderBy(desc(messages.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const { rendered } = await renderRows(db, deps, page, { store: false });
  const byId = new Map(rendered.map((m) => [m.id, m]));
  const shown = (m: Message) => ({ ...presentMessage(m), previewHtml: m.html ? untracked(m.html, deps.config.publicUrl) : null });
  return { messages: page.map((m) => shown(byId.get(m.id) ?? m)), nextCursor: rows.length > q.limit && last ? String(last.id) : null };
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
