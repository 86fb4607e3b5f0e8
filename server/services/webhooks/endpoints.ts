import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { webhookDeliveries, webhookEndpoints, WEBHOOK_CHANNELS, type WebhookChannel } from '../../../db/schema/index.ts';

/**
 * An endpoint is paused after this many failed attempts in a row, once the
 * run of failures has lasted an hour: a short outage rides on retries, an
 * endpoint that stays broken stops costing us (and its shop's delivery slots).
 */
export const DISABLE_AFTER_FAILURES = 10;
export const DISABLE_AFTER_MS = 3_600_000;

/** A success ends the run of failures. */
export function recordSuccess(db: DbOrTx, shopId: string, channel: WebhookChannel): void {
  db.insert(webhookEndpoints)
    .values({ shopId, channel })
    .onConflictDoUpdate({ target: [webhookEndpoints.shopId, webhookEndpoints.channel], set: { failures: 0, lastError: null, failingSince: null } })
    .run();
}

/** Counts a failure; returns true when it is the one that pauses the endpoint. */
export function recordFailure(db: DbOrTx, shopId: string, channel: WebhookChannel, error: string, now: Date): boolean {
  const row = db
    .insert(webhookEndpoints)
    .values({ shopId, channel, failures: 1, lastError: error, failingSince: now })
    .onConflictDoUpdate({
      target: [webhookEndpoints.shopId, webhookEndpoints.channel],
      set: { failures: sql`${webhookEndpoints.failures} + 1`, lastError: error, failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.getTime()})` },
    })
    .returning()
    .get();
  const due = row.failures >= DISABLE_AFTER_FAILURES && now.getTime() - row.failingSince!.getTime() >= DISABLE_AFTER_MS;
  if (!due || row.disabledAt) return false;
  db.update(webhookEndpoints)
    .set({ disabledAt: now })
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.channel, channel)))
    .run();
  return true;
}

/**
 * The merchant saved the endpoint again: deliveries resume at once, the ones
 * that waited while it was paused first.
 */
export function enableEndpoint(db: DbOrTx, shopId: string, channel: WebhookChannel, now: Date): void {
  const paused = db
    .update(webhookEndpoints)
    .set({ disabledAt: null, failures: 0, failingSince: null })
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.channel, channel)))
    .returning()
    .get();
  if (!paused) return;
  db.update(webhookDeliveries)
    .set({ nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.channel, channel), eq(webhookDeliveries.status, 'pending')))
    .run();
}

/** Each endpoint's state as the merchant sees it. */
export function endpointStates(db: DbOrTx, shopId: string) {
  const rows = new Map(db.select().from(webhookEndpoints).where(eq(webhookEndpoints.shopId, shopId)).all().map((r) => [r.channel, r]));
  return WEBHOOK_CHANNELS.map((channel) => {
    const r = rows.get(channel);
    return {
      channel,
      status: r?.disabledAt ? ('disabled' as const) : ('active' as const),
      failures: r?.failures ?? 0,
      lastError: r?.lastError ?? null,
      failingSince: r?.failingSince?.toISOString() ?? null,
      disabledAt: r?.disabledAt?.toISOString() ?? null,
    };
  });
}
