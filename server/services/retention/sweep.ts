import { lte } from 'drizzle-orm';
import { affected, runWrite } from '../../../db/raw.ts';
import { retiredPublishableKeys, widgetSightings } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import type { Write } from '../../../db/sql/statement.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { schedulePeriodic } from '../../jobs/queue.ts';

/**
 * A delivery id is kept at least this long after its payload is gone, so a
 * provider's retry is still recognised even under a short retention: Shopify
 * retries for 48 hours, Svix (Resend) for about a day and a half.
 */
export const DEDUPE_MS = 7 * 86_400_000;
const BATCH = 5000;

type Retention = ReturnType<typeof twins>['retention'];

export interface RetentionResult {
  /** Webhook payloads (Shopify, Resend, Twilio) emptied; the row stays for dedupe. */
  payloadsCleared: number;
  /** Webhook rows past both the retention and the dedupe window, removed. */
  eventsDeleted: number;
  /** Customer replies quoted in escalations, removed from the summary. */
  repliesCleared: number;
  /** Customer replies (email and SMS) whose words were replaced by the note; the row, its intent and what was done stay. */
  replyTextsCleared: number;
  /** Replies forwarded to the shop's inbox, once sent: their text and HTML replaced by the note. */
  forwardsCleared: number;
  /** Replies quoted as notes to a helpdesk ticket, once delivered: the note's body replaced in its job. */
  ticketNotesCleared: number;
  /** Delivered or failed outbound events (their payloads name contacts), removed. */
  deliveriesDeleted: number;
  /** Publishable keys past their grace period, forgotten. */
  keysDeleted: number;
  /** Pages the widget was last seen on longer ago than the retention (made-up Origins included). */
  sightingsDeleted: number;
}

/**
 * WAITLINE_RETENTION_DAYS (SPEC §6): stored webhook payloads and inbound texts
 * are deleted once older than the retention. A Shopify event whose job has
 * not finished keeps its payload: the job still needs it. Runs in batches,
 * each its own transaction, so a first sweep over a long backlog never holds
 * the writer for long. The SQL is db/sql/<engine>/retention.ts (twins).
 */
export async function retentionSweep(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<RetentionResult> {
  const now = deps.clock.now().getTime();
  const cutoff = now - deps.config.retentionMs;
  const forget = now - Math.max(deps.config.retentionMs, DEDUPE_MS);
  const days = +(deps.config.retentionMs / 86_400_000).toFixed(3);
  const batched = async (pick: (statements: Retention) => Write, ...args: unknown[]) => {
    let total = 0;
    for (;;) {
      const { changes } = await transaction(deps.db, (tx) => runWrite(tx, pick(twins(tx).retention), [...args, BATCH]));
      total += changes;
      if (changes < BATCH) return total;
    }
  };
  return {
    eventsDeleted: await batched((r) => r.deleteOldEvents, forget),
    payloadsCleared: await batched((r) => r.clearOldPayloads, cutoff),
    repliesCleared: await batched((r) => r.clearOldReplies, `(the reply was deleted after ${days} days)`, cutoff),
    replyTextsCleared: await batched((r) => r.clearOldReplyTexts, `(deleted after ${days} days)`, cutoff, `(deleted after ${days} days)`),
    forwardsCleared: await batched((r) => r.clearOldForwards, `(the reply was deleted after ${days} days)`, `<p>(the reply was deleted after ${days} days)</p>`, cutoff, `(the reply was deleted after ${days} days)`),
    ticketNotesCleared: await batched((r) => r.clearOldTicketNotes, `(the reply was deleted after ${days} days)`, cutoff, `(the reply was deleted after ${days} days)`),
    deliveriesDeleted: await batched((r) => r.deleteOldDeliveries, cutoff),
    keysDeleted: await transaction(deps.db, async (tx) =>
      affected(await tx.delete(retiredPublishableKeys).where(lte(retiredPublishableKeys.expiresAt, new Date(now)))),
    ),
    sightingsDeleted: await transaction(deps.db, async (tx) => affected(await tx.delete(widgetSightings).where(lte(widgetSightings.lastSeenAt, new Date(cutoff))))),
  };
}

export const scheduleRetentionSweep = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) =>
  schedulePeriodic(deps, 'retention.sweep', deps.config.retentionSweepMs, after);
