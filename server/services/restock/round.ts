import { and, asc, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, contacts, messages, offers, signups, type MessageStatus, type Restock } from '../../../db/schema/index.ts';
import { maskContact } from '../../lib/mask.ts';
import { idempotencyKeyRange } from '../messages/enqueue.ts';
import { ranOutPrefix } from './still-waiting.ts';

/**
 * The round of a restock: the offers and messages written in the restock's own
 * transaction. Its offers carry its id and its timestamp; the timestamp keeps
 * out later cascades (which keep the restock id) and lets the (shop, created_at)
 * index find them without reading the variant's older offers.
 */
type RoundKey = Pick<Restock, 'id' | 'shopId' | 'variantId' | 'createdAt' | 'backordersServed'>;

const ofRound = (r: RoundKey): SQL => and(eq(offers.shopId, r.shopId), eq(offers.createdAt, r.createdAt), eq(offers.restockId, r.id))!;

export interface RoundOffer {
  position: number;
  contact: string;
  quantity: number;
  kind: 'waitlist' | 'preorder';
}

/** Who the round holds units for, in line order, contacts masked. */
export function roundOffers(db: DbOrTx, r: RoundKey, limit: number): RoundOffer[] {
  return db
    .select({ position: offers.position, quantity: offers.units, kind: signups.kind, email: contacts.email, phone: contacts.phone })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .innerJoin(contacts, eq(contacts.id, signups.contactId))
    .where(ofRound(r))
    .orderBy(asc(offers.id))
    .limit(limit)
    .all()
    .map(({ email, phone, ...o }) => ({ position: o.position, contact: maskContact(email, phone), quantity: o.quantity, kind: o.kind }));
}

export interface MessageCounts {
  total: number;
  queued: number;
  sent: number;
  failed: number;
}

const BUCKET: Record<MessageStatus, keyof Omit<MessageCounts, 'total'>> = {
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'sent',
  bounced: 'failed',
  failed: 'failed',
  suppressed: 'failed',
};

/**
 * Held back on purpose: written to wait (an SMS in quiet hours) and not tried
 * yet. A retry also moves `send_after`, but only after an attempt, so a
 * message backing off still counts as queued.
 */
const later = sql<number>`(${messages.status} = 'queued' and ${messages.attempts} = 0 and ${messages.sendAfter} > ${messages.createdAt})`;
const columns = { status: messages.status, later, n: count() };

/**
 * What the round's messages are doing: its offers (email and SMS), its "still
 * #k" notices and the "on its way" notices of the backorders it served.
 * Messages held for quiet hours are left out until they are tried, so they do
 * not keep a restock from finishing. Each part is an index range, so a round
 * of 10,000 offers is counted without reading anything else.
 */
export function roundMessages(db: DbOrTx, r: RoundKey): MessageCounts {
  const keys = idempotencyKeyRange(r.shopId, ranOutPrefix(r.id));
  const offerMessages = db
    .select(columns)
    .from(offers)
    .innerJoin(messages, eq(messages.offerId, offers.id))
    .where(and(ofRound(r), eq(messages.template, 'offer')));
  const ranOutNotices = db
    .select(columns)
    .from(messages)
    .where(and(gte(messages.idempotencyKey, keys.from), lt(messages.idempotencyKey, keys.to)));
  // The backorders a rise serves are told in the restock's transaction, so at its instant.
  const backorderNotices = db
    .select(columns)
    .from(backorders)
    .innerJoin(messages, eq(messages.backorderId, backorders.id))
    .where(and(eq(backorders.shopId, r.shopId), eq(backorders.variantId, r.variantId), eq(messages.template, 'backorder-shipped'), eq(messages.createdAt, r.createdAt)));
  const parts = [offerMessages, ranOutNotices, ...(r.backordersServed > 0 ? [backorderNotices] : [])].map((q) => q.groupBy(messages.status, later).all());
  const counts: MessageCounts = { total: 0, queued: 0, sent: 0, failed: 0 };
  for (const row of parts.flat()) {
    if (row.later) continue;
    counts[BUCKET[row.status]] += row.n;
    counts.total += row.n;
  }
  return counts;
}

export function roundOfferCount(db: DbOrTx, r: RoundKey): number {
  return db.select({ n: count() }).from(offers).where(ofRound(r)).get()?.n ?? 0;
}

/** How many "still #k" notices the restock wrote (one per person: email, else SMS). */
export function ranOutCount(db: DbOrTx, shopId: string, restockId: number): number {
  const keys = idempotencyKeyRange(shopId, ranOutPrefix(restockId));
  return db.select({ n: count() }).from(messages).where(and(gte(messages.idempotencyKey, keys.from), lt(messages.idempotencyKey, keys.to))).get()?.n ?? 0;
}
