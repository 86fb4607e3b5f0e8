import { and, asc, eq, gt } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { etaChanges, type Variant } from '../../../db/schema/index.ts';
import { presentEta } from '../variants/upsert.ts';

type Range = { earliest: string; latest: string };

/** What happened to the date since the customer was told one: a first date, no change, or a move either way. */
export type EtaOutcome = 'confirmed' | 'unchanged' | 'earlier' | 'later';

/**
 * The later end decides, then the earlier one: a range whose latest day moved
 * out is later, whatever its first day did. No current range is no outcome
 * ("we're checking with our supplier"). ISO dates compare as strings.
 */
export function etaOutcome(told: Range | null, now: Range | null): EtaOutcome | null {
  if (!now) return null;
  if (!told) return 'confirmed';
  const cmp = (a: string, b: string) => (a > b ? 1 : a < b ? -1 : 0);
  const move = cmp(now.latest, told.latest) || cmp(now.earliest, told.earliest);
  return move > 0 ? 'later' : move < 0 ? 'earlier' : 'unchanged';
}

/**
 * The range a backorder customer was told at the order (the acknowledgement's
 * ETA: the `from` of the first change after it, or today's range when nothing
 * changed), today's range, and the newest reason a change gave.
 */
export async function etaSince(tx: Tx, shopId: string, variant: Variant, since: Date) {
  const changes = await tx
    .select()
    .from(etaChanges)
    .where(and(eq(etaChanges.shopId, shopId), eq(etaChanges.variantId, variant.id), gt(etaChanges.createdAt, since)))
    .orderBy(asc(etaChanges.id));
  const now = presentEta(variant);
  const first = changes[0];
  const told = !first ? now : first.fromEarliest && first.fromLatest ? { earliest: first.fromEarliest, latest: first.fromLatest } : null;
  const reason = changes.findLast((c) => c.reason)?.reason ?? null;
  const outcome = etaOutcome(told, now);
  return { outcome, told, reason: outcome === 'unchanged' ? null : reason };
}
