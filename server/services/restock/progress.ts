import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { restocks, type Restock } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';
import { roundCounts, type MessageCounts } from './round.ts';
import { announcing } from './announce.ts';

export interface RestockProgress {
  offers: number;
  messages: MessageCounts;
  /** Settled (sent or failed) out of all, rounded; 100 when the restock told nobody. */
  percent: number;
  /** Nothing of it waits to be sent (quiet-hours messages aside). */
  done: boolean;
}

/** How far a restock's fan-out has got: cheap enough to poll (see `round.ts`). */
export async function restockProgress(db: DbOrTx, restock: Restock): Promise<RestockProgress> {
  const { offers, messages } = await roundCounts(db, restock);
  const settled = messages.sent + messages.failed;
  return {
    offers,
    messages,
    percent: messages.total === 0 ? 100 : Math.round((100 * settled) / messages.total),
    // A round larger than a page is still being told (announce.ts): not done, though its first page may all be sent.
    done: messages.queued === 0 && !(await announcing(db, restock.shopId, restock.variantId, restock.createdAt)),
  };
}

export async function presentRestock(db: DbOrTx, r: Restock) {
  return {
    id: r.id,
    variantId: r.variantId,
    from: r.fromInventory,
    to: r.toInventory,
    units: r.units,
    backordersServed: r.backordersServed,
    offered: r.offered,
    unitsHeld: r.unitsHeld,
    stillWaiting: r.stillWaiting,
    createdAt: r.createdAt.toISOString(),
    progress: await restockProgress(db, r),
  };
}

/** One of the shop's restocks; another shop's id is simply not found. */
export async function findRestock(db: DbOrTx, shopId: string, id: number): Promise<Restock> {
  const [row] = await db.select().from(restocks).where(and(eq(restocks.shopId, shopId), eq(restocks.id, id)));
  if (!row) throw NotFound('Restock');
  return row;
}

export interface RestockListQuery {
  variantId?: string;
  cursor?: number;
  limit: number;
}

/** Newest first, each with its progress, for the console's recent restocks. */
export async function listRestocks(db: DbOrTx, shopId: string, q: RestockListQuery) {
  const where: SQL[] = [eq(restocks.shopId, shopId)];
  if (q.variantId) where.push(eq(restocks.variantId, q.variantId));
  if (q.cursor !== undefined) where.push(lt(restocks.id, q.cursor));
  const rows = await db.select().from(restocks).where(and(...where)).orderBy(desc(restocks.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const presented = [];
  for (const r of page) presented.push(await presentRestock(db, r));
  return { restocks: presented, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
