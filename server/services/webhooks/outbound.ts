import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { webhookDeliveries, type OutboundEvent, type Shop } from '../../../db/schema/index.ts';
import { token } from '../../lib/tokens.ts';
import { endpointStates } from './endpoints.ts';

/**
 * Records an event for the shop's endpoint, inside the caller's transaction,
 * when the shop subscribed to it. The webhook sender delivers it after commit,
 * outside the job loop (server/jobs/webhook-sender.ts).
 */
export async function emit(tx: Tx, shop: Shop, event: OutboundEvent, data: Record<string, unknown>, now: Date): Promise<void> {
  await emitAll(tx, shop, event, [data], now);
}

/** emit() for many events of one shop in multi-row inserts (a batch of signups, a restock's offers). */
/** Whether the shop's webhooks take this event: a caller with many to build may skip building them. */
export const emits = (shop: Shop, event: OutboundEvent): boolean => shop.settings.webhooks?.events.includes(event) ?? false;

export async function emitAll(tx: Tx, shop: Shop, event: OutboundEvent, all: Array<Record<string, unknown>>, now: Date): Promise<void> {
  if (!emits(shop, event) || all.length === 0) return;
  // 500 rows a statement: SQLite binds at most 32,766 parameters.
  for (let i = 0; i < all.length; i += 500) await insertDeliveries(tx, shop, event, all.slice(i, i + 500), now);
}

async function insertDeliveries(tx: Tx, shop: Shop, event: OutboundEvent, all: Array<Record<string, unknown>>, now: Date): Promise<void> {
  await tx.insert(webhookDeliveries).values(
    all.map((data) => ({
      shopId: shop.id,
      messageId: `msg_${token(16)}`,
      event,
      payload: JSON.stringify({ type: event, timestamp: now.toISOString(), data }),
      nextAttemptAt: now,
      createdAt: now,
    })),
  );
}

/** The delivery log, newest first: what was sent, how it went, and whether each endpoint is paused. */
export async function listDeliveries(db: DbOrTx, shopId: string, q: { cursor?: number; limit: number }) {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    // Dialect-neutral: `and` drops an undefined condition, where a bare `1` would not be a boolean on PostgreSQL.
    .where(and(eq(webhookDeliveries.shopId, shopId), q.cursor !== undefined ? lt(webhookDeliveries.id, q.cursor) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    deliveries: page.map((d) => ({
      id: d.id,
      messageId: d.messageId,
      channel: d.channel,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      lastStatus: d.lastStatus,
      lastError: d.lastError,
      payload: JSON.parse(d.payload),
      createdAt: d.createdAt.toISOString(),
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null,
    endpoints: await endpointStates(db, shopId),
  };
}
