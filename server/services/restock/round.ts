import { and, asc, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { rows } from '../../../db/raw.ts';
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
export async function roundOffers(db: DbOrTx, r: RoundKey, limit: number): Promise<RoundOffer[]> {
  const found = await db
    .select({ position: offers.position, quantity: offers.units, kind: signups.kind, email: contacts.email, phone: contacts.phone })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .innerJoin(contacts, eq(contacts.id, signups.contactId))
    .where(ofRound(r))
    .orderBy(asc(offers.id))
    .limit(limit);
  return found.map(({ email, phone, ...o }) => ({ position: o.position, contact: maskContact(email, phone), quantity: o.quantity, kind: o.kind }));
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
 * message backing off still counts as queued. 1 or 0 on both engines.
 */
const later = sql`case when ${messages.status} = 'queued' and ${messages.attempts} = 0 and ${messages.sendAfter} > ${messages.createdAt} then 1 else 0 end`;
const byStatus = sql`select 'messages' as part, ${messages.status} as status, ${later} as later, count(*) as n`;

export interface RoundCounts {
  offers: number;
  messages: MessageCounts;
}

/**
 * The round's offers, and what its messages are doing: its offers (email and
 * SMS), its "still #k" notices and the "in stock, being packed" notices of the backorders
 * it served. Messages held for quiet hours are left out until they are tried,
 * so they do not keep a restock from finishing. Each part is an index range,
 * so a round of 10,000 offers is counted without reading anything else, and
 * all of it is one statement: a restock's progress is polled.
 */
export async function roundCounts(db: DbOrTx, r: RoundKey): Promise<RoundCounts> {
  const keys = idempotencyKeyRange(r.shopId, ranOutPrefix(r.id));
  const parts: SQL[] = [
    sql`select 'offers' as part, null as status, 0 as later, count(*) as n from ${offers} where ${ofRound(r)}`,
    sql`${byStatus} from ${offers} inner join ${messages} on ${eq(messages.offerId, offers.id)}
        where ${and(ofRound(r), eq(messages.template, 'offer'))} group by ${messages.status}, ${later}`,
    sql`${byStatus} from ${messages}
        where ${and(gte(messages.idempotencyKey, keys.from), lt(messages.idempotencyKey, keys.to))} group by ${messages.status}, ${later}`,
  ];
  // The backorders a rise serves are told in the restock's transaction, so at its instant.
  if (r.backordersServed > 0) {
    parts.push(sql`${byStatus} from ${backorders} inner join ${messages} on ${eq(messages.backorderId, backorders.id)}
        where ${and(eq(backorders.shopId, r.shopId), eq(backorders.variantId, r.variantId), eq(messages.template, 'backorder-allocated'), eq(messages.createdAt, r.createdAt))}
        group by ${messages.status}, ${later}`);
  }
  const found = await rows<{ part: string; status: MessageStatus | null; later: number; n: number }>(db, sql.join(parts, sql` union all `));
  const counts: RoundCounts = { offers: 0, messages: { total: 0, queued: 0, sent: 0, failed: 0 } };
  for (const row of found) {
    const n = Number(row.n);
    if (row.part === 'offers') counts.offers += n;
    else if (Number(row.later) === 0) {
      counts.messages[BUCKET[row.status!]] += n;
      counts.messages.total += n;
    }
  }
  return counts;
}

/** How many "still #k" notices the restock wrote (one per person: email, else SMS). */
export async function ranOutCount(db: DbOrTx, shopId: string, restockId: number): Promise<number> {
  const keys = idempotencyKeyRange(shopId, ranOutPrefix(restockId));
  const [row] = await db.select({ n: count() }).from(messages).where(and(gte(messages.idempotencyKey, keys.from), lt(messages.idempotencyKey, keys.to)));
  return row?.n ?? 0;
}

/** How many of the round's holds went to people ahead of this place in line (`seq`): they stood ahead of it before the round. */
export async function roundOffersAhead(db: DbOrTx, r: RoundKey, seq: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .where(and(ofRound(r), lt(signups.seq, seq)));
  return row?.n ?? 0;
}
