import { and, count, eq, gte, inArray, isNotNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, escalations, messages, replies } from '../../../db/schema/index.ts';
import { backorderStatus } from './view.ts';

const DAY = 86_400_000;

export interface ReportPeriod {
  /** First and last day, YYYY-MM-DD, UTC. */
  from: string;
  to: string;
}

/**
 * What the backorder desk did over a period (days in UTC): lines taken on and
 * where they stand, messages sent about them, replies read and who handled
 * them, cancellations, and lines deflected: resolved (shipped or cancelled)
 * with no escalation on their order and no reply from the customer.
 */
export async function backorderReport(db: DbOrTx, shopId: string, period: ReportPeriod) {
  const start = new Date(`${period.from}T00:00:00Z`);
  const end = new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY);
  const taken = and(eq(backorders.shopId, shopId), gte(backorders.createdAt, start), lt(backorders.createdAt, end));

  const lines = await db.select({ status: backorders.status, refundedAt: backorders.refundedAt }).from(backorders).where(taken);
  const byStatus = { open: 0, allocated: 0, shipped: 0, cancelled: 0, refunded: 0 };
  for (const line of lines) byStatus[backorderStatus(line as never)]++;

  const [sent] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.shopId, shopId), isNotNull(messages.backorderId), gte(messages.sentAt, start), lt(messages.sentAt, end)));

  const read = await db
    .select({ action: replies.action, n: count() })
    .from(replies)
    .where(and(eq(replies.shopId, shopId), gte(replies.receivedAt, start), lt(replies.receivedAt, end)))
    .groupBy(replies.action);
  const byPerson = read.filter((r) => r.action === 'escalated').reduce((s, r) => s + Number(r.n), 0);
  const total = read.reduce((s, r) => s + Number(r.n), 0);

  const [cancelled] = await db
    .select({ n: count() })
    .from(backorders)
    .where(and(eq(backorders.shopId, shopId), eq(backorders.status, 'cancelled'), gte(backorders.resolvedAt, start), lt(backorders.resolvedAt, end)));

  const resolved = and(taken, inArray(backorders.status, ['shipped', 'cancelled']));
  const [settled] = await db.select({ n: count() }).from(backorders).where(resolved);
  const [deflected] = await db
    .select({ n: count() })
    .from(backorders)
    .where(
      and(
        resolved,
        notExists(db.select({ one: sql`1` }).from(escalations).where(and(eq(escalations.shopId, shopId), eq(escalations.orderId, backorders.orderId)))),
        notExists(db.select({ one: sql`1` }).from(replies).where(and(eq(replies.shopId, shopId), or(eq(replies.backorderId, backorders.id), eq(replies.orderId, backorders.orderId))))),
      ),
    );
  const settledCount = Number(settled?.n ?? 0);
  return {
    period,
    backorders: { handled: lines.length, ...byStatus },
    messagesSent: Number(sent?.n ?? 0),
    replies: { total, automatic: total - byPerson, byPerson },
    cancellations: Number(cancelled?.n ?? 0),
    deflected: { count: Number(deflected?.n ?? 0), of: settledCount, rate: settledCount ? Number(deflected!.n) / settledCount : null },
  };
}
