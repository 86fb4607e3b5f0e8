import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { webhookDeliveries, webhookEndpoints, WEBHOOK_CHANNELS, type WebhookChannel } from '../../../db/schema/index.ts';

/**
 * An endpoint is paused after this many failed attempts in a row, once the
 * run of failures has lasted an hour: a short outage rides on retries, an
 * endpoint that stays broken stops costing us (and its shop's delivery slots).
 */
export const DISABLE_AFTER_FAILURES = 10;
export const DISABLE_AFTER_MS = 3_600_000;

/** A success ends the run of failures. */
export async function recordSuccess(tx: Tx, shopId: string, channel: WebhookChannel): Promise<void> {
  await tx
    .insert(webhookEndpoints)
    .values({ shopId, channel })
    .onConflictDoUpdate({ target: [webhookEndpoints.shopId, webhookEndpoints.channel], set: { failures: 0, lastError: null, failingSince: null } });
}

/** Counts a failure; returns true when it is the one that pauses the endpoint. */
export async function recordFailure(tx: Tx, shopId: string, channel: WebhookChannel, error: string, now: Date): Promise<boolean> {
  const upserted = await tx
    .insert(webhookEndpoints)
    .values({ shopId, channel, failures: 1, lastError: error, failingSince: now })
    .onConflictDoUpdate({
      target: [webhookEndpoints.shopId, webhookEndpoints.channel],
      set: { failures: sql`${webhookEndpoints.failures} + 1`, lastError: error, failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.getTime()})` },
    })
    .returning();
  const row = upserted[0]!;
  const due = row.failures >= DISABLE_AFTER_FAILURES && now.getTime() - row.failingSince!.getTime() >= DISABLE_AFTER_MS;
  if (!due || row.disabledAt) return false;
  await tx
    .update(webhookEndpoints)
    .set({ disabledAt: now })
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.channel, channel)));
  return true;
}

/**
 * The merchant saved the endpoint again: deliveries resume at once, the ones
 * that waited while it was paused first.
 */
export async function enableEndpoint(tx: Tx, shopId: string, channel: WebhookChannel, now: Date): Promise<void> {
  const [paused] = await tx
    .update(webhookEndpoints)
    .set({ disabledAt: null, failures: 0, failingSince: null })
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.channel, channel)))
    .returning();
  if (!paused) return;
  await tx
    .update(webhookDeliveries)
    .set({ nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.channel, channel), eq(webhookDeliveries.status, 'pending')));
}

/** Each endpoint's state as the merchant sees it. */
export async function endpointStates(db: DbOrTx, shopId: string) {
  const rows = new Map((await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.shopId, shopId))).map((r) => [r.channel, r]));
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
