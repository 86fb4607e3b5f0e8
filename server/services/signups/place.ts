import { and, eq } from 'drizzle-orm';
import { contacts, variants, type Contact, type Shop, type Signup, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { presentEta } from '../variants/upsert.ts';
import { activeOffer, signupByToken } from './find.ts';
import { positionOf } from './position.ts';

export interface PlaceView {
  shop: Shop;
  contact: Contact;
  signup: Signup;
  variant: Variant;
  position: number | null;
  eta: { earliest: string; latest: string } | null;
  offer: { expiresAt: Date; claimUrl: string } | null;
}

/** Everything the place's own page (`/s/:token`) shows; the token is the credential, sent only to the contact. */
export async function placeByToken(deps: Pick<Deps, 'db' | 'config'>, tokenValue: string): Promise<PlaceView> {
  const { db } = deps;
  const { signup, shop } = await signupByToken(db, tokenValue);
  const [variant] = await db.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, signup.variantId)));
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, signup.contactId));
  if (!variant || !contact) throw NotFound('Signup');
  const offer = signup.status === 'offered' ? await activeOffer(db, signup.id) : undefined;
  return {
    shop,
    contact,
    signup,
    variant,
    position: await positionOf(db, signup),
    eta: presentEta(variant),
    offer: offer ? { expiresAt: offer.expiresAt, claimUrl: `${deps.config.publicUrl}/claim/${offer.token}` } : null,
  };
}
