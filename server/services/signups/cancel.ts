import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { ACTIVE_SIGNUP_STATUSES, messages, offers, shops, signups, type Signup, type SignupStatus } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { holdsChanged } from '../platform/reservations.ts';
import { cascade, endOffer } from '../restock/end-offer.ts';

export type LeaveStatus = Extract<SignupStatus, 'cancelled' | 'unsubscribed' | 'lapsed'>;

/**
 * Takes a signup out of line. A hold it had is cancelled and its units go to
 * the next in line; messages still queued for it are not sent. Leaving twice is a no-op.
 *
 * The variant's lock comes first, and only a signup still in line is taken
 * out (the update checks its status again): it may have left already, or its
 * hold expired, on another replica. The hold is read after the lock. A caller
 * leaving several lines at once takes their variants' locks first, in one
 * call (sorted), before touching any of their signups.
 */
export async function leaveQueue(tx: Tx, deps: Deps, signup: Signup, status: LeaveStatus, now: Date): Promise<Signup> {
  if (!isActive(signup)) return signup;
  await twins(tx).locks.lockVariants(tx, signup.shopId, [signup.variantId]);
  const [left] = await tx
    .update(signups)
    .set({ status, updatedAt: now })
    .where(and(eq(signups.id, signup.id), inArray(signups.status, ACTIVE_SIGNUP_STATUSES)))
    .returning();
  if (!left) return (await tx.select().from(signups).where(eq(signups.id, signup.id)))[0] ?? signup;
  await tx
    .update(messages)
    .set({ status: 'suppressed', error: `signup ${status}` })
    .where(and(eq(messages.signupId, signup.id), eq(messages.status, 'queued')));
  const [offer] = await tx.select().from(offers).where(and(eq(offers.signupId, signup.id), eq(offers.status, 'active'))).limit(1);
  if (offer && (await endOffer(tx, offer, 'cancelled', now))) {
    const [shop] = await tx.select().from(shops).where(eq(shops.id, signup.shopId));
    await cascade(tx, deps, shop!, offer, now);
    await holdsChanged(tx, signup.shopId, signup.variantId, now);
  }
  return left;
}

/**
 * Several places at once (an erasure, an unsubscribe, an SMS STOP, the lapse
 * sweep): every variant is locked first, in one sorted call per shop (shops
 * in id order), then each place leaves. Two such transactions then never take
 * the same variants in opposite orders, which on PostgreSQL would deadlock.
 */
export async function leaveQueues(tx: Tx, deps: Deps, places: Signup[], status: LeaveStatus, now: Date): Promise<void> {
  const variantsByShop = new Map<string, string[]>();
  for (const signup of places.filter(isActive)) variantsByShop.set(signup.shopId, [...(variantsByShop.get(signup.shopId) ?? []), signup.variantId]);
  for (const shopId of [...variantsByShop.keys()].sort()) await twins(tx).locks.lockVariants(tx, shopId, variantsByShop.get(shopId)!);
  for (const signup of places) await leaveQueue(tx, deps, signup, status, now);
}

const isActive = (signup: Signup) => (ACTIVE_SIGNUP_STATUSES as readonly string[]).includes(signup.status);
