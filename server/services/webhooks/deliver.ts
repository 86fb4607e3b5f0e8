import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { affected } from '../../../db/raw.ts';
import { shops, webhookDeliveries, type Shop, type WebhookDelivery } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { backoffMs } from '../../lib/backoff.ts';
import { answerError, DELIVERY_TIMEOUT_MS, guardedRequest, OutboundError } from '../../net/guarded.ts';
import { escalationRequest } from '../escalations/webhook.ts';
import { recordFailure, recordSuccess } from './endpoints.ts';

export const MAX_DELIVERY_ATTEMPTS = 8;

/**
 * Leases one due delivery, unless its endpoint is paused or its shop already
 * has `perShop` deliveries in flight (counted over every process, through the
 * leases). The attempt count is bumped here: it is the lease's owner token,
 * and a crash mid-delivery still counts as an attempt.
 */
export function claimDelivery(deps: Pick<Deps, 'db' | 'clock' | 'config'>, perShop: number): Promise<WebhookDelivery | undefined> {
  return transaction(deps.db, async (tx) => {
    const now = deps.clock.now().getTime();
    // Never shorter than a delivery can take, whatever WAITLINE_LEASE_MS says.
    const leaseUntil = new Date(now + Math.max(deps.config.leaseMs, 2 * DELIVERY_TIMEOUT_MS));
    // Another process may lease the row between our read and our write (PostgreSQL runs them side by
    // side): the lease is taken only if the row is still as read, else the next due one is tried.
    for (let tries = 0; tries < 5; tries++) {
      const [row] = await tx
        .select()
        .from(webhookDeliveries)
        .where(
          sql`${webhookDeliveries.status} = 'pending' and ${webhookDeliveries.nextAttemptAt} <= ${now}
            and (${webhookDeliveries.leaseUntil} is null or ${webhookDeliveries.leaseUntil} <= ${now})
            and not exists (select 1 from webhook_endpoints e where e.shop_id = ${webhookDeliveries.shopId} and e.channel = ${webhookDeliveries.channel} and e.disabled_at is not null)
            and (select count(*) from webhook_deliveries x where x.shop_id = ${webhookDeliveries.shopId} and x.status = 'pending' and x.lease_until > ${now}) < ${perShop}`,
        )
        .orderBy(webhookDeliveries.nextAttemptAt, webhookDeliveries.id)
        .limit(1);
      if (!row) return undefined;
      const taken = await tx
        .update(webhookDeliveries)
        .set({ leaseUntil, attempts: row.attempts + 1 })
        .where(
          and(
            eq(webhookDeliveries.id, row.id),
            eq(webhookDeliveries.status, 'pending'),
            eq(webhookDeliveries.attempts, row.attempts),
            sql`(${webhookDeliveries.leaseUntil} is null or ${webhookDeliveries.leaseUntil} <= ${now})`,
          ),
        );
      if (affected(taken) === 1) return { ...row, leaseUntil, attempts: row.attempts + 1 };
    }
    return undefined;
  });
}

/** What to POST for a delivery: Standard Webhooks to `webhooks.url`, or the helpdesk form of an escalation. */
async function requestFor(deps: Deps, shop: Shop, d: WebhookDelivery, now: Date) {
  if (d.channel === 'escalation') return await escalationRequest(deps, shop, Number(JSON.parse(d.payload).escalationId));
  const hooks = shop.settings.webhooks;
  if (!hooks) return null;
  const signature = new Webhook(hooks.secret).sign(d.messageId, now, d.payload);
  return {
    url: hooks.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': d.messageId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body: d.payload,
  };
}

/**
 * POSTs one claimed delivery through the guarded client (checked address,
 * 5 s, no redirects), outside any transaction, and records how it went in a
 * transaction of its own. Only a status code and a few generic words are
 * kept: nothing the endpoint answered reaches the log.
 */
export async function deliverClaimed(deps: Deps, d: WebhookDelivery): Promise<void> {
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, d.shopId));
  const request = shop ? await requestFor(deps, shop, d, deps.clock.now()) : null;
  let status: number | null = null;
  let error: string | null = request ? null : 'no endpoint configured';
  if (request) {
    try {
      const answer = await guardedRequest(deps.net, request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        allowPrivate: deps.config.allowPrivateWebhooks,
      });
      status = answer.status;
      error = answerError(answer.status);
    } catch (e) {
      error = e instanceof OutboundError ? e.message : 'delivery failed';
    }
  }
  await record(deps, d, status, error, Boolean(request));
}

async function record(deps: Deps, d: WebhookDelivery, status: number | null, error: string | null, reached: boolean): Promise<void> {
  const now = deps.clock.now();
  const paused = await transaction(deps.db, async (tx) => {
    const done = await tx
      .update(webhookDeliveries)
      .set(
        error === null
          ? { status: 'delivered', lastStatus: status, lastError: null, deliveredAt: now, leaseUntil: null }
          : {
              status: !reached || d.attempts >= MAX_DELIVERY_ATTEMPTS ? 'failed' : 'pending',
              lastStatus: status,
              lastError: error,
              nextAttemptAt: new Date(now.getTime() + backoffMs(d.attempts)),
              leaseUntil: null,
            },
      )
      // Our lease only: if it ran out and another sender took the row, its outcome stands.
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.attempts, d.attempts), eq(webhookDeliveries.status, 'pending')));
    if (affected(done) === 0 || !reached) return false;
    if (error === null) {
      await recordSuccess(tx, d.shopId, d.channel);
      return false;
    }
    return recordFailure(tx, d.shopId, d.channel, error, now);
  });
  if (paused) {
    deps.log('webhook endpoint disabled after repeated failures; saving its setting again resumes it', { shopId: d.shopId, channel: d.channel, error });
  }
}
