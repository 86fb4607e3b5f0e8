import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { leaveQueue } from './cancel.ts';
import { activeOffer, signupByToken } from './find.ts';
import { positionOf } from './position.ts';

/** What a shopper may see of their own place: status, position and any hold. */
export function signupStatus(deps: Pick<Deps, 'db' | 'config'>, tokenValue: string) {
  const { signup } = signupByToken(deps.db, tokenValue);
  const offer = signup.status === 'offered' ? activeOffer(deps.db, signup.id) : undefined;
  return {
    status: signup.status,
    position: positionOf(deps.db, signup),
    kind: signup.kind,
    variantId: signup.variantId,
    quantity: signup.quantity,
    ...(offer
      ? { offer: { expiresAt: offer.expiresAt.toISOString(), claimUrl: `${deps.config.publicUrl}/claim/${offer.token}` } }
      : {}),
  };
}

/** The shopper leaves the line; leaving twice answers the same, and a finished place stays as it ended. */
export function cancelSignup(deps: Deps, tokenValue: string) {
  deps.db.transaction((tx) => {
    const { signup } = signupByToken(tx, tokenValue);
    if (signup.status === 'purchased') throw Conflict('This place was already used for a purchase');
    leaveQueue(tx, deps, signup, 'cancelled', deps.clock.now());
  });
  deps.wake();
  return signupStatus(deps, tokenValue);
}
