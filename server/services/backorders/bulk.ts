import { and, eq } from 'drizzle-orm';
import { variants, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { AppError, Conflict } from '../../lib/errors.ts';
import { platformName, shopConnection } from '../connections/store.ts';
import { cancelBackorder, type CancelOutcome } from './cancel.ts';
import { recordFulfilment, type Tracking } from './fulfil.ts';
import { recordRefund } from './refund.ts';
import { presentBackorder, shopLine } from './view.ts';

export type BulkAction = { action: 'fulfilled'; tracking: Tracking } | { action: 'refunded' };

export type BulkOutcome =
  | { id: number; ok: true; backorder: Awaited<ReturnType<typeof recordFulfilment>> }
  | { id: number; ok: false; error: { code: string; message: string } };

/**
 * The desk's bulk actions, line by line: each is the single-line service in
 * its own transaction, so a line that cannot take the action (already shipped,
 * another shop's id: not found) is reported and the rest still go.
 * - Shipping is recorded by hand only for stores Waitline is not connected
 *   to: a connected store's fulfillments arrive from the platform.
 * - "Cancel with refund" records the refund the merchant made, for a store
 *   not connected; a connected store is asked to make it (cancelAtStore).
 */
export async function bulkBackorders(deps: Deps, shop: Shop, ids: number[], act: BulkAction): Promise<BulkOutcome[]> {
  const connection = await shopConnection(deps.db, shop.id);
  if (act.action === 'fulfilled' && connection) {
    throw Conflict(`This shop's ${platformName(connection.platform)} store sends its fulfillments: ship there, and Waitline tells the customers`);
  }
  const outcomes: BulkOutcome[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      const backorder =
        act.action === 'fulfilled' ? await recordFulfilment(deps, shop, id, act.tracking) : connection ? await cancelAtStore(deps, shop, id) : await recordRefund(deps, shop, id, {});
      outcomes.push({ id, ok: true, backorder });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ id, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return outcomes;
}

const REFUSED: Record<Exclude<CancelOutcome, 'cancelled'>, string> = {
  already: 'This backorder line was already cancelled',
  refunded: 'This backorder line was already refunded',
  shipped: 'This line has shipped: refund it in your store',
  allocated: 'Every unit of this line is in stock and set aside: nothing owed is left to refund',
  review: 'This line waits for a review',
};

/**
 * A connected store makes its own refunds: the line is cancelled, the store
 * is asked for the refund (write-back.ts), and the customer hears that it was
 * requested. "Refund issued" waits for the store to confirm it (SPEC §5).
 */
async function cancelAtStore(deps: Deps, shop: Shop, id: number) {
  const { line } = await shopLine(deps.db, shop.id, id);
  const { outcome, line: after } = await cancelBackorder(deps, line.token, { by: 'desk' });
  if (outcome !== 'cancelled') throw Conflict(REFUSED[outcome]);
  const [variant] = await deps.db.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, after.variantId)));
  return presentBackorder(deps.db, after, variant);
}
