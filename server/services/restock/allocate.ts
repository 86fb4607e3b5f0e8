import { inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { contacts, type Contact, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { holdsChanged } from '../platform/reservations.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { durationMs } from '../../lib/duration.ts';
import { rowToken } from '../../lib/tokens.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { emitAll, emits } from '../webhooks/outbound.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { queueReads, type HeadRow, type QueueReads } from './queue.ts';

/**
 * The job that tells a round past its first page, named by its variant, its
 * instant and its first untold offer: two rounds never share a key, so one can
 * never be dropped as the other's repeat. `announceKeyRange` spans an instant's.
 */
export const announceKey = (shopId: string, variantId: string, at: Date, from: number) => `announce:${shopId}:${variantId}:${at.getTime()}:${from}`;
export const announceKeyRange = (shopId: string, variantId: string, at: Date) => ({
  from: `announce:${shopId}:${variantId}:${at.getTime()}:`,
  // ';' sorts right after ':'.
  to: `announce:${shopId}:${variantId}:${at.getTime()};`,
});

/** The largest quantity one signup may ask for (validated at the edge). */
export const MAX_QUANTITY = 100;
const FIRST_SEQ = Number.MIN_SAFE_INTEGER;
/** The page walked once fewer than MAX_QUANTITY units remain, skipping what does not fit. */
const TAIL_PAGE = 500;
/** The line's head is read this many at a time while every signup fits: a restock of 10,000 reads 5 pages. */
const HEAD_PAGE = 2_000;
/** Contacts read per statement: a round of 10,000 reads them in 5. */
const CONTACTS_PAGE = 2_000;
/**
 * The offers of a round told in the round's own transaction. A larger round
 * tells the rest from job `offers.announce` (announce.ts), a page at a time,
 * right after the commit: the first emails leave while the rest are written.
 */
export const TOLD_IN_ROUND = 1_000;

export interface AllocateArgs {
  shop: Shop;
  variant: Variant;
  /** Units to hand out; capped so active holds never exceed max(0, inventory). */
  units: number;
  cause: 'restock' | 'cascade';
  restockId: number | null;
  /** What the restock brought, for the "only 40 were restocked" copy. */
  restockUnits: number;
  now: Date;
}

interface Chosen extends HeadRow {
  /** The place in line when chosen: 1 + everyone still waiting ahead at the start of this round. */
  position: number;
}

/**
 * Offers units to waiting signups in strict FIFO order, inside the caller's
 * transaction. A signup whose quantity does not fit is skipped this round and
 * keeps its place. Reads only the head of the queue, so the cost follows the
 * units offered, not the depth of the line. The caller holds the variant's
 * lock and read `variant` after taking it (restock/inventory.ts `lockedVariant`):
 * the room left is counted from that inventory and the holds read now.
 */
export async function allocate(tx: Tx, deps: Deps, args: AllocateArgs): Promise<{ offered: number; unitsHeld: number }> {
  const { shop, variant, now } = args;
  const reads = queueReads(tx);
  const room = Math.max(0, Math.max(0, variant.inventory) - (await reads.heldUnits(shop.id, variant.id)));
  const chosen = await choose(reads, shop.id, variant.id, Math.min(args.units, room));
  if (chosen.length === 0) return { offered: 0, unitsHeld: 0 };

  const holdMs = durationMs(shop.settings.holdDuration);
  const followMs = durationMs(shop.settings.followUpAfter);
  const expiresAt = new Date(now.getTime() + holdMs);
  const expires = expiresAt.toISOString();
  const tokens = chosen.map(() => rowToken(now));
  // Whom this transaction tells, and everyone offered only where the shop's webhooks name them.
  const events = emits(shop, 'offer.created');
  const people = await contactsById(tx, (events ? chosen : chosen.slice(0, TOLD_IN_ROUND)).map((c) => c.contactId));
  // On PostgreSQL the round is written while its messages are built below.
  const written = await twins(tx).offers.writeOffers(
    tx,
    { shopId: shop.id, variantId: variant.id, restockId: args.restockId, expiresAt: expiresAt.getTime(), createdAt: now.getTime() },
    chosen.map((c, i) => ({ signupId: c.id, units: c.quantity, position: c.position, token: tokens[i]! })),
  );
  const created = written.ids.map((id, i) => ({ id, token: tokens[i]! }));

  // The first page of the round is told in its own transaction; the rest right after its commit (announce.ts).
  const round: TellRound = { shop, variant, cause: args.cause, restockUnits: args.restockUnits, expiresAt };
  const batch = MessageBatch.for(tx, now);
  tellOffers(
    batch,
    deps,
    round,
    chosen.slice(0, TOLD_IN_ROUND).map((c, i) => ({ ...c, offer: created[i]!, contact: people.get(c.contactId)! })),
  );
  const offered = events
    ? chosen.map((c, i) => {
        const contact = people.get(c.contactId)!;
        return {
          offer: { id: created[i]!.id, signupId: c.id, variantId: variant.id, units: c.quantity, position: c.position, reason: args.cause, expiresAt: expires },
          contact: { email: contact.email, phone: contact.phone },
        };
      })
    : [];
  // Someone chosen left the line after it was read: offering to them would hold units for nobody.
  const marked = await written.marked;
  if (marked !== chosen.length) throw new Error(`allocate: ${chosen.length - marked} chosen signup(s) of ${variant.id} were no longer waiting`);

  // One job per round, not per offer: every hold of this round ends at the same instant.
  const ofVariant = { shopId: shop.id, variantId: variant.id };
  await enqueueJobs(
    tx,
    [
      { kind: 'offers.expire', key: `expire:${shop.id}:${variant.id}:${expiresAt.getTime()}`, runAt: expiresAt, payload: ofVariant },
      // A follow-up only makes sense while the hold still runs.
      ...(followMs < holdMs
        ? [{ kind: 'offers.followup', key: `followup:${shop.id}:${variant.id}:${now.getTime()}`, runAt: new Date(now.getTime() + followMs), payload: { ...ofVariant, offeredAt: now.getTime() } }]
        : []),
      // Whoever the first page left out is told by the first replica free after the commit.
      ...(created.length > TOLD_IN_ROUND
        ? [{ kind: 'offers.announce', key: announceKey(shop.id, variant.id, now, created[TOLD_IN_ROUND]!.id), runAt: now, payload: { ...ofVariant, from: created[TOLD_IN_ROUND]!.id, to: created.at(-1)!.id, cause: args.cause, restockUnits: args.restockUnits } }]
        : []),
    ],
    now,
  );

  await emitAll(tx, shop, 'offer.created', offered, now);
  await holdsChanged(tx, shop.id, variant.id, now);
  await batch.flush();
  return { offered: chosen.length, unitsHeld: chosen.reduce((n, c) => n + c.quantity, 0) };
}

export interface TellRound {
  shop: Shop;
  variant: Variant;
  cause: AllocateArgs['cause'];
  restockUnits: number;
  expiresAt: Date;
}

export interface TellOffer {
  offer: { id: number; token: string };
  /** The signup's id, token and kind. */
  id: number;
  token: string;
  kind: HeadRow['kind'];
  quantity: number;
  position: number;
  contact: Contact;
}

/** Each offer's email and, where consented, SMS: what is held, until when, and the link that claims it. */
export function tellOffers(batch: MessageBatch, deps: Deps, round: TellRound, told: readonly TellOffer[]): void {
  const { publicUrl } = deps.config;
  const item = itemName(round.variant);
  const product = productInfo(round.variant);
  const expiresAt = round.expiresAt.toISOString();
  for (const c of told) {
    const common = { shop: round.shop, contact: c.contact, signupId: c.id, offerId: c.offer.id, key: `offer:${c.offer.id}` };
    const claimUrl = `${publicUrl}/claim/${c.offer.token}`;
    batch.email({
      ...common,
      track: true,
      template: 'offer',
      props: {
        item,
        kind: c.kind,
        reason: round.cause,
        units: round.restockUnits,
        quantity: c.quantity,
        position: c.position,
        expiresAt,
        claimUrl,
        leaveUrl: `${publicUrl}/u/${c.contact.token}?s=${c.token}`,
        product,
        status: { url: `${publicUrl}/s/${c.token}` },
      },
    });
    batch.sms({ ...common, template: 'offer', props: { item, expiresAt, claimUrl } });
  }
}

/**
 * While at least MAX_QUANTITY units remain every signup fits, so the head is read
 * in pages. Below that, one more page is walked, skipping the signups that do
 * not fit (they keep their place and count as ahead): in a line of small
 * quantities that ends the round. Past that page, a seek per quantity finds the
 * first signup that fits, jumping over the ones that do not without reading
 * them. Each quantity's seek is kept until its signup is chosen: nothing is
 * chosen before it, so it is still the first of its quantity after the cursor.
 * A round costs a read per page and, only when the line's head is full of
 * large quantities, a seek per quantity and two reads per offer after it
 * (each a round trip on PostgreSQL).
 */
export async function choose(reads: QueueReads, shopId: string, variantId: string, units: number): Promise<Chosen[]> {
  const chosen: Chosen[] = [];
  let remaining = units;
  let cursor = FIRST_SEQ;
  let ahead = 0;
  /** Quantity → the seq of the first waiting signup of that quantity after the cursor (undefined: none). */
  const firstOf = new Map<number, number | undefined>();
  let walkedTail = false;
  while (remaining > 0) {
    if (remaining >= MAX_QUANTITY) {
      const page = await reads.head(shopId, variantId, cursor, Math.min(remaining, HEAD_PAGE));
      if (page.length === 0) break;
      for (const row of page) {
        chosen.push({ ...row, position: ++ahead });
        remaining -= row.quantity;
        cursor = row.seq;
        if (remaining < MAX_QUANTITY) break;
      }
      continue;
    }
    if (!walkedTail) {
      walkedTail = true;
      const page = await reads.head(shopId, variantId, cursor, TAIL_PAGE);
      for (const row of page) {
        ahead++;
        cursor = row.seq;
        if (row.quantity > remaining) continue;
        chosen.push({ ...row, position: ahead });
        remaining -= row.quantity;
        if (remaining === 0) break;
      }
      // A short page was the rest of the line: nothing after it is left to fit.
      if (page.length < TAIL_PAGE) break;
      continue;
    }
    let next: number | undefined;
    for (let q = 1; q <= remaining; q++) {
      if (!firstOf.has(q)) firstOf.set(q, (await reads.firstOfQuantity(shopId, variantId, q, cursor))?.seq);
      const seq = firstOf.get(q);
      if (seq !== undefined && (next === undefined || seq < next)) next = seq;
    }
    if (next === undefined) break;
    ahead += await reads.waitingBetween(shopId, variantId, cursor, next);
    const [row] = await reads.head(shopId, variantId, next - 1, 1);
    if (!row) break;
    chosen.push({ ...row, position: ++ahead });
    remaining -= row.quantity;
    cursor = row.seq;
    firstOf.delete(row.quantity);
  }
  return chosen;
}

export async function contactsById(db: DbOrTx, ids: number[]): Promise<Map<number, Contact>> {
  const unique = [...new Set(ids)];
  const found = new Map<number, Contact>();
  for (let i = 0; i < unique.length; i += CONTACTS_PAGE) {
    for (const c of await db.select().from(contacts).where(inArray(contacts.id, unique.slice(i, i + CONTACTS_PAGE)))) found.set(c.id, c);
  }
  return found;
}
