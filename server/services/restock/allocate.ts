import type Database from 'better-sqlite3';
import { inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { contacts, type Contact, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { durationMs } from '../../lib/duration.ts';
import { rowToken } from '../../lib/tokens.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { emit } from '../webhooks/outbound.ts';
import { itemName } from '../variants/upsert.ts';
import { queueReads, type HeadRow } from './queue.ts';
import { insertOffer } from '../../../db/sql/sqlite/inserts.ts';

/** The largest quantity one signup may ask for (validated at the edge). */
export const MAX_QUANTITY = 100;
const FIRST_SEQ = Number.MIN_SAFE_INTEGER;
const CHUNK = 500;

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
 * units offered, not the depth of the line.
 */
export function allocate(tx: Tx, deps: Deps, args: AllocateArgs): { offered: number; unitsHeld: number } {
  const { shop, variant, now } = args;
  const reads = queueReads(deps.db);
  const room = Math.max(0, Math.max(0, variant.inventory) - reads.heldUnits(shop.id, variant.id));
  const chosen = choose(reads, shop.id, variant.id, Math.min(args.units, room));
  if (chosen.length === 0) return { offered: 0, unitsHeld: 0 };

  const holdMs = durationMs(shop.settings.holdDuration);
  const followMs = durationMs(shop.settings.followUpAfter);
  const expiresAt = new Date(now.getTime() + holdMs);
  const writes = offerWrites(deps.db);
  const created = chosen.map((c) => {
    const offerToken = rowToken(now);
    const id = Number(
      writes.insertOffer.run(shop.id, variant.id, c.id, args.restockId, c.quantity, c.position, offerToken, expiresAt.getTime(), now.getTime())
        .lastInsertRowid,
    );
    writes.markOffered.run(now.getTime(), c.id);
    return { id, token: offerToken };
  });

  // One job per round, not per offer: every hold of this round ends at the same instant.
  const round = { shopId: shop.id, variantId: variant.id };
  enqueueJobs(
    tx,
    [
      { kind: 'offers.expire', key: `expire:${shop.id}:${variant.id}:${expiresAt.getTime()}`, runAt: expiresAt, payload: round },
      // A follow-up only makes sense while the hold still runs.
      ...(followMs < holdMs
        ? [{ kind: 'offers.followup', key: `followup:${shop.id}:${variant.id}:${now.getTime()}`, runAt: new Date(now.getTime() + followMs), payload: { ...round, offeredAt: now.getTime() } }]
        : []),
    ],
    now,
  );

  const people = contactsById(tx, chosen.map((c) => c.contactId));
  const batch = MessageBatch.for(deps, now);
  const { publicUrl } = deps.config;
  const item = itemName(variant);
  const product = offerProduct(variant);
  chosen.forEach((c, i) => {
    const offer = created[i]!;
    const contact = people.get(c.contactId)!;
    const common = { shop, contact, signupId: c.id, offerId: offer.id, key: `offer:${offer.id}` };
    const claimUrl = `${publicUrl}/claim/${offer.token}`;
    batch.email({
      ...common,
      track: true,
      template: 'offer',
      props: {
        item,
        kind: c.kind,
        reason: args.cause,
        units: args.restockUnits,
        quantity: c.quantity,
        position: c.position,
        expiresAt: expiresAt.toISOString(),
        claimUrl,
        leaveUrl: `${publicUrl}/u/${contact.token}?s=${c.token}`,
        product,
      },
    });
    batch.sms({ ...common, template: 'offer', props: { item, expiresAt: expiresAt.toISOString(), claimUrl } });
    emit(tx, shop, 'offer.created', {
      offer: { id: offer.id, signupId: c.id, variantId: variant.id, units: c.quantity, position: c.position, reason: args.cause, expiresAt: expiresAt.toISOString() },
      contact: { email: contact.email, phone: contact.phone },
    }, now);
  });
  batch.flush();
  return { offered: chosen.length, unitsHeld: chosen.reduce((n, c) => n + c.quantity, 0) };
}

/** What the offer shows of the item: the shop's own title, variant, picture and price. */
export const offerProduct = (v: Variant) => ({
  title: v.productTitle || itemName(v),
  variant: v.title === 'Default Title' ? '' : v.title,
  imageUrl: v.imageUrl,
  price: v.price,
  currency: v.currency,
});

const writeCache = new WeakMap<Database.Database, ReturnType<typeof prepareWrites>>();

function prepareWrites(client: Database.Database) {
  return {
    insertOffer: client.prepare(insertOffer.text()),
    markOffered: client.prepare(`update signups set status = 'offered', updated_at = ? where id = ?`),
  };
}

/** Prepared once per connection: a restock of 10,000 units runs each 10,000 times. */
function offerWrites(db: Deps['db']) {
  let found = writeCache.get(db.$client);
  if (!found) {
    found = prepareWrites(db.$client);
    writeCache.set(db.$client, found);
  }
  return found;
}

/**
 * While at least MAX_QUANTITY units remain every signup fits, so the head is read
 * in pages. Below that, a seek per quantity finds the first signup that fits,
 * jumping over the ones that do not without reading them.
 */
function choose(reads: ReturnType<typeof queueReads>, shopId: string, variantId: string, units: number): Chosen[] {
  const chosen: Chosen[] = [];
  let remaining = units;
  let cursor = FIRST_SEQ;
  let ahead = 0;
  while (remaining > 0) {
    if (remaining >= MAX_QUANTITY) {
      const page = reads.head(shopId, variantId, cursor, Math.min(remaining, CHUNK));
      if (page.length === 0) break;
      for (const row of page) {
        chosen.push({ ...row, position: ++ahead });
        remaining -= row.quantity;
        cursor = row.seq;
        if (remaining < MAX_QUANTITY) break;
      }
      continue;
    }
    let next: number | undefined;
    for (let q = 1; q <= remaining; q++) {
      const hit = reads.firstOfQuantity(shopId, variantId, q, cursor);
      if (hit && (next === undefined || hit.seq < next)) next = hit.seq;
    }
    if (next === undefined) break;
    ahead += reads.waitingBetween(shopId, variantId, cursor, next);
    const [row] = reads.head(shopId, variantId, next - 1, 1);
    if (!row) break;
    chosen.push({ ...row, position: ++ahead });
    remaining -= row.quantity;
    cursor = row.seq;
  }
  return chosen;
}

export function contactsById(tx: Tx, ids: number[]): Map<number, Contact> {
  const unique = [...new Set(ids)];
  const found = new Map<number, Contact>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    for (const c of tx.select().from(contacts).where(inArray(contacts.id, unique.slice(i, i + CHUNK))).all()) found.set(c.id, c);
  }
  return found;
}
