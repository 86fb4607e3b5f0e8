import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { ACTIVE_SIGNUP_STATUSES, messages, offers, shops, signups, type Signup, type SignupStatus } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { cascade, endOffer } from '../restock/end-offer.ts';

export type LeaveStatus = Extract<SignupStatus, 'cancelled' | 'unsubscribed' | 'lapsed'>;

/**
 * Takes a signup out of line. A hold it had is cancelled and its units go to
 * the next in line; messages still queued for it are not sent. Leaving twice is a no-op.
 */
export async function leaveQueue(tx: Tx, deps: Deps, signup: Signup, status: LeaveStatus, now: Date): Promise<Signup> {
  if (!(ACTIVE_SIGNUP_STATUSES as readonly string[]).includes(signup.status)) return signup;
  const left = (await tx.update(signups).set({ status, updatedAt: now }).where(eq(signups.id, signup.id)).returning())[0]!;
  await tx
    .update(messages)
    .set({ status: 'suppressed', error: `signup ${status}` })
    .where(and(eq(messages.signupId, signup.id), eq(messages.status, 'queued')));
  const [offer] = await tx.select().from(offers).where(and(eq(offers.signupId, signup.id), eq(offers.status, 'active'))).limit(1);
  if (offer && (await endOffer(tx, offer, 'cancelled', now))) {
    const [shop] = await tx.select().from(shops).where(eq(shops.id, signup.shopId));
    await cascade(tx, deps, shop!, offer, now);
  }
  return left;
}
