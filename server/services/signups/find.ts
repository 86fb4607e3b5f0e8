import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { offers, shops, signups, type Offer, type Shop, type Signup } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';

/** A signup by its shopper token, with its shop; unknown tokens are a 404. */
export async function signupByToken(db: DbOrTx, tokenValue: string): Promise<{ signup: Signup; shop: Shop }> {
  const [row] = await db.select().from(signups).innerJoin(shops, eq(shops.id, signups.shopId)).where(eq(signups.token, tokenValue));
  if (!row) throw NotFound('Signup');
  return { signup: row.signups, shop: row.shops };
}

export async function activeOffer(db: DbOrTx, signupId: number): Promise<Offer | undefined> {
  const [offer] = await db.select().from(offers).where(and(eq(offers.signupId, signupId), eq(offers.status, 'active'))).limit(1);
  return offer;
}
