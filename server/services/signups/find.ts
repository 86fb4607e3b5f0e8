import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { offers, shops, signups, type Offer, type Shop, type Signup } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';

/** A signup by its shopper token, with its shop; unknown tokens are a 404. */
export function signupByToken(db: DbOrTx, tokenValue: string): { signup: Signup; shop: Shop } {
  const row = db.select().from(signups).innerJoin(shops, eq(shops.id, signups.shopId)).where(eq(signups.token, tokenValue)).get();
  if (!row) throw NotFound('Signup');
  return { signup: row.signups, shop: row.shops };
}

export function activeOffer(db: DbOrTx, signupId: number): Offer | undefined {
  return db.select().from(offers).where(and(eq(offers.signupId, signupId), eq(offers.status, 'active'))).get();
}
