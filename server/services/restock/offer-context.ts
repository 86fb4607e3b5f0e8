import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, offers, shops, signups, variants } from '../../../db/schema/index.ts';

/** An offer with everything a message or a page about it needs, in one read. */
export async function offerContext(db: DbOrTx, where: { id: number } | { token: string }) {
  const [row] = await db
    .select({ offer: offers, signup: signups, variant: variants, shop: shops, contact: contacts })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .innerJoin(shops, eq(shops.id, offers.shopId))
    .innerJoin(variants, and(eq(variants.shopId, offers.shopId), eq(variants.id, offers.variantId)))
    .innerJoin(contacts, eq(contacts.id, signups.contactId))
    .where('id' in where ? eq(offers.id, where.id) : eq(offers.token, where.token));
  return row ?? null;
}

export type OfferContext = NonNullable<Awaited<ReturnType<typeof offerContext>>>;
