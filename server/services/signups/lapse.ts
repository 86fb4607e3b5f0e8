import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { contacts, shops, signups, variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { schedulePeriodic } from '../../jobs/queue.ts';
import { durationMs } from '../../lib/duration.ts';
import { NotFound } from '../../lib/errors.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { leaveQueues } from './cancel.ts';
import { signupByToken } from './find.ts';
import { positionOf } from './position.ts';

const BATCH = 500;
const WEEK = 7 * 86_400_000;

/**
 * How long "still interested?" comes before the end: a week, or half the TTL
 * when that is shorter (a PT20S TTL in a black-box check asks at 10 s).
 */
export const lapseGraceMs = (ttlMs: number) => Math.min(WEEK, Math.floor(ttlMs / 2));

/** When a signup's `signupTtl` clock started: joining, or the last "keep my place". */
const since = sql`coalesce(${signups.renewedAt}, ${signups.createdAt})`;

/**
 * `signupTtl` (SPEC §3.1): a waiting waitlist signup that reaches its TTL less
 * the grace period gets one "still interested?" message with a keep-my-place
 * link; a grace period later, unless kept, it lapses. Pre-orders never lapse:
 * they wait on a shipment with an ETA, not on interest. Safe to run any time:
 * each step is one transaction, and the message key names the TTL cycle.
 */
export async function lapseSweep(deps: Deps): Promise<{ asked: number; lapsed: number }> {
  const report = { asked: 0, lapsed: 0 };
  for (const shop of await deps.db.select().from(shops)) {
    if (!shop.settings.signupTtl) continue;
    const ttl = durationMs(shop.settings.signupTtl);
    const grace = lapseGraceMs(ttl);
    const now = deps.clock.now();
    report.asked += await drain(() => askStillInterested(deps, shop, new Date(now.getTime() - (ttl - grace)), now));
    report.lapsed += await drain(() => lapseUnanswered(deps, shop, new Date(now.getTime() - grace), now));
  }
  if (report.asked) deps.wake();
  return report;
}

async function drain(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let n = await step(); n > 0; n = n === BATCH ? await step() : 0) total += n;
  return total;
}

function askStillInterested(deps: Deps, shop: Shop, startedBy: Date, now: Date): Promise<number> {
  return transaction(deps.db, async (tx) => {
    const due = await tx
      .select({ signup: signups, contact: contacts, variant: variants })
      .from(signups)
      .innerJoin(contacts, eq(contacts.id, signups.contactId))
      .innerJoin(variants, and(eq(variants.shopId, signups.shopId), eq(variants.id, signups.variantId)))
      .where(and(eq(signups.shopId, shop.id), eq(signups.status, 'waiting'), eq(signups.kind, 'waitlist'), isNull(signups.lapseNoticeAt), lte(signups.createdAt, startedBy), lte(since, startedBy.getTime())))
      .orderBy(asc(signups.createdAt), asc(signups.id))
      .limit(BATCH);
    const batch = MessageBatch.for(tx, now);
    const grace = lapseGraceMs(durationMs(shop.settings.signupTtl!));
    for (const { signup, contact, variant } of due) {
      await tx.update(signups).set({ lapseNoticeAt: now }).where(eq(signups.id, signup.id));
      const item = itemName(variant);
      const position = (await positionOf(tx, signup)) ?? 1;
      const cycle = (signup.renewedAt ?? signup.createdAt).getTime();
      const common = { shop, contact, signupId: signup.id, key: `lapse:${signup.id}:${cycle}` };
      const keepUrl = `${deps.config.publicUrl}/keep/${signup.token}`;
      const sent = batch.email({
        ...common,
        template: 'still-interested',
        props: { item, product: productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${signup.token}` }, kind: signup.kind, position, keepUrl, deadline: new Date(now.getTime() + grace).toISOString(), leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${signup.token}` },
      });
      if (!sent) batch.sms({ ...common, template: 'still-interested', props: { item, position, keepUrl } });
    }
    await batch.flush();
    return due.length;
  });
}

function lapseUnanswered(deps: Deps, shop: Shop, askedBy: Date, now: Date): Promise<number> {
  return transaction(deps.db, async (tx) => {
    const due = await tx
      .select()
      .from(signups)
      .where(and(eq(signups.shopId, shop.id), lte(signups.lapseNoticeAt, askedBy), eq(signups.status, 'waiting')))
      .limit(BATCH);
    await leaveQueues(tx, deps, due, 'lapsed', now);
    return due.length;
  });
}

/**
 * "Keep my place": the TTL clock starts again; the place in line does not
 * move. `keep: false` only reads (the GET page: mail scanners follow links).
 */
export function keepPlace(deps: Deps, tokenValue: string, keep: boolean) {
  return transaction(deps.db, async (tx) => {
    let { signup, shop } = await signupByToken(tx, tokenValue);
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, signup.variantId)));
    if (!variant) throw NotFound('Signup');
    if (keep && signup.status === 'waiting') {
      const now = deps.clock.now();
      signup = (await tx.update(signups).set({ renewedAt: now, lapseNoticeAt: null, updatedAt: now }).where(eq(signups.id, signup.id)).returning())[0]!;
    }
    return { signup, shop, item: itemName(variant), position: await positionOf(tx, signup) };
  });
}

/** Keeps one sweep scheduled per interval, as the reconciliation pass does. */
export const scheduleLapseSweep = (deps: Pick<Deps, 'db' | 'clock' | 'config'>, after?: Date) => schedulePeriodic(deps, 'signups.lapse', deps.config.sweepMs, after);
