import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../index.ts';
import { affected, runWrite } from '../../raw.ts';
import { signups } from '../../schema/index.ts';
import { insertOffer } from './inserts.ts';

/**
 * A restock round's offers (server/services/restock/allocate.ts), SQLite twin
 * of db/sql/pg/offers.ts. Engine-specific in how a round is written: here one
 * prepared insert per offer (db/sql/sqlite/inserts.ts `insertOffer`), each an
 * in-process call with no round trip, so SQLite's restock keeps the speed it
 * had; PostgreSQL writes the whole round, offers and signups, in one statement.
 */

/** What every offer of one round shares. */
export interface OfferRound {
  shopId: string;
  variantId: string;
  restockId: number | null;
  expiresAt: number;
  createdAt: number;
}

/** One offer of a round: the signup it holds units for, and its place when chosen. */
export interface NewOffer {
  signupId: number;
  units: number;
  position: number;
  token: string;
}

export interface WrittenRound {
  /** The offers' ids, in the order of the offers given. */
  ids: number[];
  /**
   * How many of their signups were still waiting and are now `offered`; the
   * write's failure, if it failed. Await it before the transaction commits.
   */
  marked: Promise<number>;
}

/** A page of signups per update: 10,000 offers mark their signups in 20 statements. */
const PAGE = 500;

/**
 * Writes the round's offers, `active`, and marks their signups `offered` (at
 * the round's instant) where they are still waiting. Here all of it is done
 * when this answers.
 */
export async function writeOffers(tx: Tx, round: OfferRound, offers: readonly NewOffer[]): Promise<WrittenRound> {
  const ids: number[] = [];
  for (const o of offers) {
    const { id } = await runWrite(tx, insertOffer, [round.shopId, round.variantId, o.signupId, round.restockId, o.units, o.position, o.token, round.expiresAt, round.createdAt]);
    ids.push(id);
  }
  let marked = 0;
  const updatedAt = new Date(round.createdAt);
  for (let i = 0; i < offers.length; i += PAGE) {
    const page = offers.slice(i, i + PAGE).map((o) => o.signupId);
    marked += affected(await tx.update(signups).set({ status: 'offered', updatedAt }).where(and(inArray(signups.id, page), eq(signups.status, 'waiting'))));
  }
  return { ids, marked: Promise.resolve(marked) };
}
