import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { leaveQueue } from './cancel.ts';
import { activeOffer, signupByToken } from './find.ts';
import { positionOf } from './position.ts';

/** What a shopper may see of their own place: status, position and any hold. */
export async function signupStatus(deps: Pick<Deps, 'db' | 'config'>, tokenValue: string) {
  const { signup } = await signupByToken(deps.db, tokenValue);
  const offer = signup.status === 'offered' ? await activeOffer(deps.db, signup.id) : undefined;
  return {
    status: signup.status,
    position: await positionOf(deps.db, signup),
    kind: signup.kind,
    variantId: signup.variantId,
    quantity: signup.quantity,
    ...(offer
      ? { offer: { expiresAt: offer.expiresAt.toISOString(), claimUrl: `${deps.config.publicUrl}/claim/${offer.token}` } }
      : {}),
  };
}

/** The shopper leaves the line; leaving twice answers the same, and a finished place stays as it ended. */
export async function cancelSignup(deps: Deps, tokenValue: string) {
  await transaction(deps.db, async (tx) => {
    const { signup } = await signupByToken(tx, tokenValue);
    if (signup.status === 'purchased') throw Conflict('This place was already used for a purchase');
    await leaveQueue(tx, deps, signup, 'cancelled', deps.clock.now());
  });
  deps.wake();
  return signupStatus(deps, tokenValue);
}
