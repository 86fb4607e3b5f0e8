import type { Tx } from '../../index.ts';
import { statementRows } from '../../raw.ts';
import type { Statement } from '../statement.ts';
import type { NewOffer, OfferRound } from '../sqlite/offers.ts';

export type { NewOffer, OfferRound } from '../sqlite/offers.ts';

/**
 * A restock round's offers, PostgreSQL twin of db/sql/sqlite/offers.ts. Each
 * statement is a round trip here, so a round is written a chunk at a time:
 * 10,000 offers in 10 statements instead of 10,000. The per-offer columns
 * travel as arrays (one parameter each, whatever the chunk's size) and are
 * unnested in the caller's order, which the identity column follows, so ids
 * rise in line order as on SQLite (the newest hold is the last in line:
 * restock/inventory.ts withdraws by id). `returning` promises no order, so
 * each id is matched back to its offer by the offer's unique token.
 */
const CHUNK = 1000;

const insertChunk: Statement<void, { id: number; token: string }> = {
  text: () => `insert into offers (shop_id, variant_id, signup_id, restock_id, units, position, status, token, expires_at, created_at)
     select $1::text, $2::text, o.signup_id, $3::bigint, o.units, o.position, 'active', o.token, $4::bigint, $5::bigint
       from unnest($6::bigint[], $7::bigint[], $8::bigint[], $9::text[]) with ordinality as o(signup_id, units, position, token, n)
      order by o.n
     returning id, token`,
  row: (r) => ({ id: Number(r.id), token: r.token as string }),
};

/** Writes the round's offers, `active`; answers their ids in the order of `offers`. */
export async function insertOffers(tx: Tx, round: OfferRound, offers: readonly NewOffer[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < offers.length; i += CHUNK) {
    const chunk = offers.slice(i, i + CHUNK);
    const written = await statementRows(tx, insertChunk, undefined, [
      round.shopId,
      round.variantId,
      round.restockId,
      round.expiresAt,
      round.createdAt,
      chunk.map((o) => o.signupId),
      chunk.map((o) => o.units),
      chunk.map((o) => o.position),
      chunk.map((o) => o.token),
    ]);
    const idOf = new Map(written.map((r) => [r.token, r.id]));
    for (const o of chunk) ids.push(idOf.get(o.token)!);
  }
  return ids;
}
