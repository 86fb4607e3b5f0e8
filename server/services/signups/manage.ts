import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { affected } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { queueActions, signups, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Conflict, NotFound } from '../../lib/errors.ts';
import { leaveQueue } from './cancel.ts';

async function ownSignup(db: DbOrTx, shop: Shop, id: number) {
  const [signup] = await db.select().from(signups).where(and(eq(signups.shopId, shop.id), eq(signups.id, id)));
  if (!signup) throw NotFound('Signup');
  return signup;
}

/** The signup as it is once its line's variant is locked: what another replica did to it has committed. */
async function lockedSignup(tx: Tx, shop: Shop, id: number) {
  await twins(tx).locks.lockVariants(tx, shop.id, [(await ownSignup(tx, shop, id)).variantId]);
  return ownSignup(tx, shop, id);
}

/** The merchant takes someone out of line (a hold they had goes to the next person); the reason is logged. */
export async function removeFromQueue(deps: Deps, shop: Shop, id: number, reason: string): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const signup = await lockedSignup(tx, shop, id);
    if (!['pending', 'waiting', 'offered'].includes(signup.status)) throw Conflict(`This place is already ${signup.status}`);
    const now = deps.clock.now();
    await leaveQueue(tx, deps, signup, 'cancelled', now);
    await tx.insert(queueActions).values({ shopId: shop.id, signupId: id, variantId: signup.variantId, action: 'remove', reason, createdAt: now });
  });
  deps.wake();
}

/** A waiting signup goes ahead of everyone in its line (say, a customer service promise); the reason is logged. */
export async function moveToFront(deps: Deps, shop: Shop, id: number, reason: string): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const signup = await lockedSignup(tx, shop, id);
    if (signup.status !== 'waiting') throw Conflict('Only a waiting place can be moved');
    const [head] = await tx
      .select({ seq: sql<number>`min(${signups.seq})` })
      .from(signups)
      .where(and(eq(signups.shopId, shop.id), eq(signups.variantId, signup.variantId), eq(signups.status, 'waiting')));
    const first = Number(head!.seq);
    const now = deps.clock.now();
    if (first < signup.seq) {
      const moved = await tx.update(signups).set({ seq: first - 1, updatedAt: now }).where(and(eq(signups.id, id), eq(signups.status, 'waiting')));
      if (affected(moved) === 0) throw Conflict('Only a waiting place can be moved');
    }
    await tx.insert(queueActions).values({ shopId: shop.id, signupId: id, variantId: signup.variantId, action: 'move_to_front', reason, createdAt: now });
  });
}

export async function listQueueActions(db: DbOrTx, shopId: string, variantId: string) {
  const actions = await db
    .select()
    .from(queueActions)
    .where(and(eq(queueActions.shopId, shopId), eq(queueActions.variantId, variantId)))
    .orderBy(desc(queueActions.id))
    .limit(200);
  return actions.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }));
}
