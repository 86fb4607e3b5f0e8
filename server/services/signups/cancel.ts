import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { ACTIVE_SIGNUP_STATUSES, messages, offers, signups, type Signup, type SignupStatus } from '../../../db/schema/index.ts';

export type LeaveStatus = Extract<SignupStatus, 'cancelled' | 'unsubscribed' | 'lapsed'>;

/**
 * Takes a signup out of line. A hold it had is released, and messages still
 * queued for it are not sent. Leaving twice is a no-op.
 */
export function leaveQueue(tx: Tx, signup: Signup, status: LeaveStatus, now: Date): Signup {
  if (!(ACTIVE_SIGNUP_STATUSES as readonly string[]).includes(signup.status)) return signup;
  tx.update(offers)
    .set({ status: 'released', resolvedAt: now })
    .where(and(eq(offers.signupId, signup.id), eq(offers.status, 'active')))
    .run();
  tx.update(messages)
    .set({ status: 'suppressed', error: `signup ${status}` })
    .where(and(eq(messages.signupId, signup.id), eq(messages.status, 'queued')))
    .run();
  return tx.update(signups).set({ status, updatedAt: now }).where(eq(signups.id, signup.id)).returning().get();
}
