import type { Tx } from '../../index.ts';
import { statementRows } from '../../raw.ts';
import type { Statement } from '../statement.ts';
import type { NewOffer, OfferRound, WrittenRound } from '../sqlite/offers.ts';
import { num } from './named.ts';

export type { NewOffer, OfferRound, WrittenRound } from '../sqlite/offers.ts';

/**
 * A restock round's offers, PostgreSQL twin of db/sql/sqlite/offers.ts. Each
 * statement is a round trip and a plan here, so a round of any size is two:
 * one takes its ids from the offers' identity sequence, one writes it (the
 * offers' insert and their signups' update, two parts of one statement).
 * With the ids known first, the caller builds the round's 10,000 messages
 * while the server writes its offers, instead of after. The ids are taken in
 * line order, so they rise in line order as on SQLite (the newest hold is the
 * last in line: restock/inventory.ts withdraws by id). The per-offer columns
 * travel as arrays, one parameter each; the signups are joined by id from the
 * same array, an index lookup each, so the line's depth costs nothing.
 */
const takeIds: Statement<void, { id: number }> = {
  text: () => `select nextval('offers_id_seq') as id from generate_series(1, $1::int)`,
  row: (r) => ({ id: num(r.id) }),
};

const writeRound: Statement<void, { marked: number }> = {
  text: () => `with written as (
       insert into offers (id, shop_id, variant_id, signup_id, restock_id, units, position, status, token, expires_at, created_at)
       select o.id, $1::text, $2::text, o.signup_id, $3::bigint, o.units, o.position, 'active', o.token, $4::bigint, $5::bigint
         from unnest($6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[]) as o(id, signup_id, units, position, token)
     ), marked as (
       update signups set status = 'offered', updated_at = $5::bigint
         from unnest($7::bigint[]) as chosen(id)
        where signups.id = chosen.id and signups.status = 'waiting'
       returning signups.id
     )
     select count(*) as marked from marked`,
  row: (r) => ({ marked: num(r.marked) }),
};

/**
 * Writes the round's offers, `active`, and marks their signups `offered` (at
 * the round's instant) where they are still waiting. Answers once the ids are
 * taken; the write runs on the transaction's connection meanwhile, ahead of
 * any statement the caller sends next.
 */
export async function writeOffers(tx: Tx, round: OfferRound, offers: readonly NewOffer[]): Promise<WrittenRound> {
  if (offers.length === 0) return { ids: [], marked: Promise.resolve(0) };
  const ids = (await statementRows(tx, takeIds, undefined, [offers.length])).map((r) => r.id);
  const marked = statementRows(tx, writeRound, undefined, [
    round.shopId,
    round.variantId,
    round.restockId,
    round.expiresAt,
    round.createdAt,
    ids,
    offers.map((o) => o.signupId),
    offers.map((o) => o.units),
    offers.map((o) => o.position),
    offers.map((o) => o.token),
  ]).then(([row]) => row!.marked);
  // The caller awaits it after building its messages; should that throw first, this failure is not an unhandled one.
  void marked.catch(() => {});
  return { ids, marked };
}
