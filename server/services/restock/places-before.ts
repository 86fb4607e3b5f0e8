import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { offers, signups, type Restock } from '../../../db/schema/index.ts';
import { roundOffersAhead } from './round.ts';

/** Ids per statement, well under either engine's limit on parameters. */
const PAGE = 2_000;

/** A hold as it stood before a change: whose it was and their place in the FIFO order. */
export interface HeldBefore {
  signupId: number;
  seq: number;
}

/** Read before a fall: its withdrawals can only take holds that are active now. */
export async function holdsBefore(tx: Tx, shopId: string, variantId: string): Promise<HeldBefore[]> {
  return tx
    .select({ signupId: offers.signupId, seq: signups.seq })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .where(and(eq(offers.shopId, shopId), eq(offers.variantId, variantId), eq(offers.status, 'active')));
}

/**
 * Where someone waiting after a change stood before it (SPEC §2: 1 + the
 * waiting ahead), from their place after it. Only two things move a line: a
 * rise's round gives holds to people ahead, who were in line before it; a fall
 * hands withdrawn holds back, and their holders were not in line before it
 * (they have no place before: null). So the dry run can show "#6 now, #1 after".
 */
export async function placesBefore(
  tx: Tx,
  args: { round: Restock | undefined; held: readonly HeldBefore[]; waiting: ReadonlyArray<{ id: number; seq: number; position: number }> },
): Promise<Array<number | null>> {
  const ids = args.held.map((h) => h.signupId);
  const back: HeldBefore[] = [];
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = ids.slice(i, i + PAGE);
    back.push(...(await tx.select({ signupId: signups.id, seq: signups.seq }).from(signups).where(and(inArray(signups.id, page), eq(signups.status, 'waiting')))));
  }
  const returned = new Set(back.map((b) => b.signupId));
  const places: Array<number | null> = [];
  for (const w of args.waiting) {
    if (returned.has(w.id)) {
      places.push(null);
      continue;
    }
    const offeredAhead = args.round ? await roundOffersAhead(tx, args.round, w.seq) : 0;
    places.push(w.position + offeredAhead - back.filter((b) => b.seq < w.seq).length);
  }
  return places;
}
