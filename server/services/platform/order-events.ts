import { and, asc, eq, inArray } from 'drizzle-orm';
import { backorders, variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { cancelBackorder } from '../backorders/cancel.ts';
import { closePendingLines } from './settle.ts';

/**
 * A connected store cancelled an order: what it was still owed leaves the
 * queue (a line not yet judged is owed nothing; a backorder line waiting or
 * being packed is cancelled, and its customer told). The store puts the stock
 * back through its own stock webhook.
 */
export async function platformOrderCancelled(deps: Deps, shop: Shop, orderId: string): Promise<void> {
  await transaction(deps.db, (tx) => closePendingLines(tx, shop.id, orderId));
  const owed = await deps.db
    .select({ token: backorders.token })
    .from(backorders)
    .where(and(eq(backorders.shopId, shop.id), eq(backorders.orderId, orderId), inArray(backorders.status, ['waiting', 'allocated'])))
    .orderBy(asc(backorders.id));
  for (const line of owed) await cancelBackorder(deps, line.token, { by: 'merchant' });
}

/** The lines of a platform order whose variants Waitline tracks; the rest is none of its business. */
export async function trackedLines<L extends { variantId: string }>(deps: Pick<Deps, 'db'>, shopId: string, lines: L[]): Promise<L[]> {
  const ids = [...new Set(lines.map((l) => l.variantId))];
  if (ids.length === 0) return [];
  const known = await deps.db
    .select({ id: variants.id })
    .from(variants)
    .where(and(eq(variants.shopId, shopId), inArray(variants.id, ids)));
  return lines.filter((l) => known.some((k) => k.id === l.variantId));
}
