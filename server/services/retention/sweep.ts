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
 * a first sweep over a long backlog never holds the writer for long.
 */
export function retentionSweep(deps: Pick<Deps, 'db' | 'clock' | 'config'>): RetentionResult {
  const sqlite = deps.db.$client;
  const now = deps.clock.now().getTime();
  const cutoff = now - deps.config.retentionMs;
  const forget = now - Math.max(deps.config.retentionMs, DEDUPE_MS);
  const unfinished = `exists (select 1 from jobs j where j.key = 'shopify:' || e.id and j.status in ('pending', 'running'))`;
  const days = +(deps.config.retentionMs / 86_400_000).toFixed(3);
  const batched = (sql: string, ...args: unknown[]) => {
    const statement = sqlite.prepare(sql);
    let total = 0;
    for (;;) {
      const n = statement.run(...args, BATCH).changes;
      total += n;
      if (n < BATCH) return total;
    }
  };
  return {
    eventsDeleted: batched(`delete from webhook_events where id in (select e.id from webhook_events e where e.received_at < ? and not ${unfinished} limit ?)`, forget),
    payloadsCleared: batched(
      `update webhook_events set payload = '{}' where id in (select e.id from webhook_events e where e.received_at < ? and e.payload != '{}' and not ${unfinished} limit ?)`,
      cutoff,
    ),
    // The reply is quoted last, between “ and ” (escalations/inbound.ts); who sent it stays for the merchant to act on.
    repliesCleared: batched(
      `update escalations set summary = substr(summary, 1, instr(summary, '“') - 1) || ? where id in (select id from escalations where kind in ('negative_reply', 'call_request') and created_at < ? and instr(summary, '“') > 0 limit ?)`,
      `(the reply was deleted after ${days} days)`,
      cutoff,
    ),
    deliveriesDeleted: batched(`delete from webhook_deliveries where id in (select id from webhook_deliveries where status in ('delivered', 'failed') and created_at < ? limit ?)`, cutoff),
    keysDeleted: sqlite.prepare('delete from retired_publishable_keys where expires_at <= ?').run(now).changes,
  };
}

export const scheduleRetentionSweep = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) =>
  schedulePeriodic(deps, 'retention.sweep', deps.config.retentionSweepMs, after);
