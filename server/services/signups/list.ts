import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, signups, type SignupStatus } from '../../../db/schema/index.ts';
import { positionOf } from './position.ts';
import { activeOffer } from './find.ts';

export interface SignupListQuery {
  variantId?: string;
  status?: SignupStatus;
  cursor?: number;
  limit: number;
}

/**
 * The shop's signups in FIFO order. Positions are counted once per variant on
 * the page and then carried forward, so a page costs one count per variant.
 */
export async function listSignups(db: DbOrTx, shopId: string, q: SignupListQuery) {
  const where: SQL[] = [eq(signups.shopId, shopId)];
  if (q.variantId) where.push(eq(signups.variantId, q.variantId));
  if (q.status) where.push(eq(signups.status, q.status));
  if (q.cursor !== undefined) where.push(gt(signups.seq, q.cursor));
  const rows = await db
    .select({ signup: signups, email: contacts.email, phone: contacts.phone })
    .from(signups)
    .innerJoin(contacts, eq(contacts.id, signups.contactId))
    .where(and(...where))
    .orderBy(asc(signups.seq), asc(signups.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const nextPosition = new Map<string, number>();
  const list = [];
  for (const { signup, email, phone } of page) {
    let position: number | null = null;
    if (signup.status === 'waiting') {
      position = nextPosition.get(signup.variantId) ?? (await positionOf(db, signup)) ?? 1;
      nextPosition.set(signup.variantId, position + 1);
    }
    const offer = signup.status === 'offered' ? await activeOffer(db, signup.id) : undefined;
    list.push({
      id: signup.id,
      ...(offer ? { offer: { expiresAt: offer.expiresAt.toISOString(), units: offer.units } } : {}),
      variantId: signup.variantId,
      email,
      phone,
      kind: signup.kind,
      quantity: signup.quantity,
      status: signup.status,
      position,
      locale: signup.locale,
      createdAt: signup.createdAt.toISOString(),
    });
  }
  const last = page.at(-1);
  return { signups: list, nextCursor: rows.length > q.limit && last ? String(last.signup.seq) : null };
}
