import { and, asc, eq, gte, inArray, lt, lte } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { jobs, messages, offers, shops, signups, variants } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { announceKeyRange, contactsById, tellOffers, TOLD_IN_ROUND, type AllocateArgs } from './allocate.ts';

export interface AnnouncePayload {
  shopId: string;
  variantId: string;
  /** The round's offers past its first page: ids `from` to `to`, this variant's only. */
  from: number;
  to: number;
  cause: AllocateArgs['cause'];
  restockUnits: number;
}

/**
 * Job `offers.announce`: tells the offers of a round past the page its own
 * transaction told (allocate.ts `TOLD_IN_ROUND`), a page per transaction, in
 * line order. Each page takes the variant's lock first, so a withdrawal,
 * expiry or order of the same holds is wholly before or after it: a hold that
 * ended before its page is never announced (nor its end: inventory.ts tells a
 * withdrawal only to those who were told of the hold). A page written twice
 * (a replica killed before the job was marked done) writes nothing new: each
 * message's key is its offer's.
 */
export async function announceOffers(deps: Deps, round: AnnouncePayload): Promise<number> {
  let told = 0;
  for (let cursor = round.from; cursor <= round.to; ) {
    const page = await transaction(deps.db, (tx) => tellPage(tx, deps, round, cursor));
    told += page.told;
    deps.wake();
    if (page.last === undefined) break;
    cursor = page.last + 1;
  }
  return told;
}

async function tellPage(tx: Tx, deps: Deps, round: AnnouncePayload, cursor: number) {
  const { shopId, variantId } = round;
  await twins(tx).locks.lockVariants(tx, shopId, [variantId]);
  const [shop] = await tx.select().from(shops).where(eq(shops.id, shopId));
  const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shopId), eq(variants.id, variantId)));
  if (!shop || !variant) return { told: 0, last: undefined };
  const page = await tx
    .select({ offer: offers, signup: { id: signups.id, token: signups.token, kind: signups.kind, contactId: signups.contactId } })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .where(and(eq(offers.shopId, shopId), eq(offers.variantId, variantId), gte(offers.id, cursor), lte(offers.id, round.to)))
    .orderBy(asc(offers.id))
    .limit(TOLD_IN_ROUND);
  const active = page.filter((r) => r.offer.status === 'active');
  const people = await contactsById(tx, active.map((r) => r.signup.contactId));
  const batch = MessageBatch.for(tx, deps.clock.now());
  // Every hold of a round ends at the same instant: its first offer's is the round's.
  const expiresAt = active[0]?.offer.expiresAt;
  if (expiresAt) {
    tellOffers(
      batch,
      deps,
      { shop, variant, cause: round.cause, restockUnits: round.restockUnits, expiresAt },
      active.map(({ offer, signup }) => ({ ...signup, offer, quantity: offer.units, position: offer.position, contact: people.get(signup.contactId)! })),
    );
  }
  await batch.flush();
  return { told: active.length, last: page.length < TOLD_IN_ROUND ? undefined : page.at(-1)!.offer.id };
}

/** Of these offers, those whose offer message is written: the people who were told of their hold. */
export async function toldOffers(tx: Tx, offerIds: readonly number[]): Promise<Set<number>> {
  const told = new Set<number>();
  for (let i = 0; i < offerIds.length; i += TOLD_IN_ROUND) {
    const found = await tx
      .select({ offerId: messages.offerId })
      .from(messages)
      .where(and(inArray(messages.offerId, offerIds.slice(i, i + TOLD_IN_ROUND)), eq(messages.template, 'offer')));
    for (const m of found) told.add(m.offerId!);
  }
  return told;
}

/** Whether the round of this instant still has offers to tell: a job of it is not done yet (a range of the jobs' key index). */
export async function announcing(db: DbOrTx, shopId: string, variantId: string, at: Date): Promise<boolean> {
  const keys = announceKeyRange(shopId, variantId, at);
  const [job] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(gte(jobs.key, keys.from), lt(jobs.key, keys.to), inArray(jobs.status, ['pending', 'running'])))
    .limit(1);
  return job !== undefined;
}
