import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { DbOrTx } from '../../../db/index.ts';
import { jobs, shops, webhookDeliveries, type OutboundEvent, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { backoffMs } from '../../lib/backoff.ts';
import { token } from '../../lib/tokens.ts';

export const MAX_DELIVERY_ATTEMPTS = 8;
const PAGE = 50;

/**
 * Records an event for the shop's endpoint, inside the caller's transaction,
 * when the shop subscribed to it. Delivery happens after commit, in a job.
 */
export function emit(db: DbOrTx, shop: Shop, event: OutboundEvent, data: Record<string, unknown>, now: Date): void {
  const hooks = shop.settings.webhooks;
  if (!hooks || !hooks.events.includes(event)) return;
  const row = db
    .insert(webhookDeliveries)
    .values({
      shopId: shop.id,
      messageId: `msg_${token(16)}`,
      event,
      payload: JSON.stringify({ type: event, timestamp: now.toISOString(), data }),
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning({ id: webhookDeliveries.id })
    .get();
  // One pending delivery job per shop drains everything due; a burst of events arms it once.
  const armed = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(gte(jobs.key, `webhooks:${shop.id}:`), lt(jobs.key, `webhooks:${shop.id};`), eq(jobs.status, 'pending'), lte(jobs.runAt, now)))
    .get();
  if (!armed) enqueueJobs(db, [{ kind: 'webhooks.deliver', key: `webhooks:${shop.id}:${row.id}`, runAt: now, payload: { shopId: shop.id } }], now);
}

/**
 * Job `webhooks.deliver`: POSTs the shop's due events in order, signed
 * Standard Webhooks style (webhook-id, webhook-timestamp, webhook-signature).
 * A failure backs off per event; what is still due later re-arms the job.
 */
export async function deliverDue(deps: Deps, shopId: string): Promise<void> {
  const shop = deps.db.select().from(shops).where(eq(shops.id, shopId)).get();
  const hooks = shop?.settings.webhooks;
  if (!shop || !hooks) return;
  const signer = new Webhook(hooks.secret);
  for (;;) {
    const now = deps.clock.now();
    const due = deps.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.id))
      .limit(PAGE)
      .all();
    if (due.length === 0) break;
    for (const d of due) {
      let status: number | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(hooks.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': d.messageId,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signer.sign(d.messageId, now, d.payload),
          },
          body: d.payload,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        if (!res.ok) error = `answered ${res.status}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const attempts = d.attempts + 1;
      deps.db
        .update(webhookDeliveries)
        .set(
          error === null
            ? { status: 'delivered', attempts, lastStatus: status, lastError: null, deliveredAt: now }
            : {
                status: attempts >= MAX_DELIVERY_ATTEMPTS ? 'failed' : 'pending',
                attempts,
                lastStatus: status,
                lastError: error,
                nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
              },
        )
        .where(eq(webhookDeliveries.id, d.id))
        .run();
    }
  }
  const next = deps.db
    .select({ at: sql<number>`min(${webhookDeliveries.nextAttemptAt})` })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.status, 'pending')))
    .get()?.at;
  if (next) enqueueJobs(deps.db, [{ kind: 'webhooks.deliver', key: `webhooks:${shopId}:retry:${next}`, runAt: new Date(next), payload: { shopId } }], deps.clock.now());
}

/** The delivery log, newest first: what was sent, how it went. */
export function listDeliveries(db: DbOrTx, shopId: string, q: { cursor?: number; limit: number }) {
  const rows = db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.shopId, shopId), q.cursor !== undefined ? sql`${webhookDeliveries.id} < ${q.cursor}` : sql`1`))
    .orderBy(sql`${webhookDeliveries.id} desc`)
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  return {
    deliveries: page.map((d) => ({
      id: d.id,
      messageId: d.messageId,
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
  };
}
