import type { Write } from '../../../db/sql/statement.ts';
import * as retention from '../../../db/sql/sqlite/retention.ts';
import type { Deps } from '../../context.ts';
import { schedulePeriodic } from '../../jobs/queue.ts';

/**
 * A delivery id is kept at least this long after its payload is gone, so a
 * provider's retry is still recognised even under a short retention: Shopify
 * retries for 48 hours, Svix (Resend) for about a day and a half.
 */
export const DEDUPE_MS = 7 * 86_400_000;
const BATCH = 5000;

export interface RetentionResult {
  /** Webhook payloads (Shopify, Resend, Twilio) emptied; the row stays for dedupe. */
  payloadsCleared: number;
  /** Webhook rows past both the retention and the dedupe window, removed. */
  eventsDeleted: number;
  /** Customer replies quoted in escalations, removed from the summary. */
  repliesCleared: number;
  /** Delivered or failed outbound events (their payloads name contacts), removed. */
  deliveriesDeleted: number;
  /** Publishable keys past their grace period, forgotten. */
  keysDeleted: number;
}

/**
 * WAITLINE_RETENTION_DAYS (SPEC §6): stored webhook payloads and inbound texts
 * are deleted once older than the retention. A Shopify event whose job has
 * not finished keeps its payload: the job still needs it. Runs in batches so
 * a first sweep over a long backlog never holds the writer for long. The SQL
 * is db/sql/sqlite/retention.ts (its PostgreSQL twin: db/sql/pg/retention.ts).
 */
export function retentionSweep(deps: Pick<Deps, 'db' | 'clock' | 'config'>): RetentionResult {
  const sqlite = deps.db.$client;
  const now = deps.clock.now().getTime();
  const cutoff = now - deps.config.retentionMs;
  const forget = now - Math.max(deps.config.retentionMs, DEDUPE_MS);
  const days = +(deps.config.retentionMs / 86_400_000).toFixed(3);
  const batched = (write: Write, ...args: unknown[]) => {
    const statement = sqlite.prepare(write.text());
    let total = 0;
    for (;;) {
      const n = statement.run(...args, BATCH).changes;
      total += n;
      if (n < BATCH) return total;
    }
  };
  return {
    eventsDeleted: batched(retention.deleteOldEvents, forget),
    payloadsCleared: batched(retention.clearOldPayloads, cutoff),
    repliesCleared: batched(retention.clearOldReplies, `(the reply was deleted after ${days} days)`, cutoff),
    deliveriesDeleted: batched(retention.deleteOldDeliveries, cutoff),
    keysDeleted: sqlite.prepare('delete from retired_publishable_keys where expires_at <= ?').run(now).changes,
  };
}

export const scheduleRetentionSweep = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) =>
  schedulePeriodic(deps, 'retention.sweep', deps.config.retentionSweepMs, after);
