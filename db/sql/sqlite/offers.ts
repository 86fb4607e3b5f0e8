import type { Tx } from '../../index.ts';
import { runWrite } from '../../raw.ts';
import { insertOffer } from './inserts.ts';

/**
 * A restock round's offers (server/services/restock/allocate.ts), SQLite twin
 * of db/sql/pg/offers.ts. Engine-specific in how a round is written: here one
 * prepared insert per offer (db/sql/sqlite/inserts.ts `insertOffer`), each an
 * in-process call with no round trip, so SQLite's restock keeps the speed it
 * had; PostgreSQL writes the round in a statement per thousand offers.
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

/** Writes the round's offers, `active`; answers their ids in the order of `offers`. */
export async function insertOffers(tx: Tx, round: OfferRound, offers: readonly NewOffer[]): Promise<number[]> {
  const ids: number[] = [];
  for (const o of offers) {
    const { id } = await runWrite(tx, insertOffer, [round.shopId, round.variantId, o.signupId, round.restockId, o.units, o.position, o.token, round.expiresAt, round.createdAt]);
    ids.push(id);
  }
  return ids;
}
