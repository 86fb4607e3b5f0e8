import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Tx } from '../../../db/index.ts';
import { affected, statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
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
 * leases, under the shop's claim lock: db/sql/<engine>/claims.ts). The
 * attempt count is bumped here: it is the lease's owner token, and a crash
 * mid-delivery still counts as an attempt.
 */
export async function claimDelivery(deps: Pick<Deps, 'db' | 'clock' | 'config'>, perShop: number): Promise<WebhookDelivery | undefined> {
  // A shop found full (another replica claimed for it meanwhile) is passed over by the next try, which reads
  // that claim. Each try is its own transaction, so a claim waits on one shop's lock at most, never two.
  for (let tries = 0; tries < 5; tries++) {
    const claimed = await transaction(deps.db, (tx) => claimOne(tx, deps, perShop));
    if (claimed !== SHOP_FULL) return claimed;
  }
  return undefined;
}

const SHOP_FULL = Symbol('shop full');

async function claimOne(tx: Tx, deps: Pick<Deps, 'clock' | 'config'>, perShop: number): Promise<WebhookDelivery | undefined | typeof SHOP_FULL> {
  const now = deps.clock.now().getTime();
  // Never shorter than a delivery can take, whatever WAITLINE_LEASE_MS says.
  const leaseUntil = new Date(now + Math.max(deps.config.leaseMs, 2 * DELIVERY_TIMEOUT_MS));
  const claims = twins(tx).claims;
  const [row] = await statementRows(tx, claims.dueDelivery, undefined, { now, perShop });
  if (!row) return undefined;
  if (!(await claims.roomForDelivery(tx, row.shopId, now, perShop))) return SHOP_FULL;
  // The row is ours until commit (locked on PostgreSQL, the file's writer on SQLite): no guard needed.
  await tx.update(webhookDeliveries).set({ leaseUntil, attempts: row.attempts + 1 }).where(eq(webhookDeliveries.id, row.id));
  return { ...row, leaseUntil, attempts: row.attempts + 1 };
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
