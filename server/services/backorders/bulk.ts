import type { Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { AppError, Conflict } from '../../lib/errors.ts';
import { platformName, shopConnection } from '../connections/store.ts';
import { recordFulfilment, type Tracking } from './fulfil.ts';
import { recordRefund } from './refund.ts';

export type BulkAction = { action: 'fulfilled'; tracking: Tracking } | { action: 'refunded' };

export type BulkOutcome =
  | { id: number; ok: true; backorder: Awaited<ReturnType<typeof recordFulfilment>> }
  | { id: number; ok: false; error: { code: string; message: string } };

/**
 * The desk's bulk actions, line by line: each is the single-line service in
 * its own transaction, so a line that cannot take the action (already shipped,
 * another shop's id: not found) is reported and the rest still go. Shipping
 * is recorded by hand only for stores Waitline is not connected to: a
 * connected store's fulfillments arrive from the platform.
 */
export async function bulkBackorders(deps: Deps, shop: Shop, ids: number[], act: BulkAction): Promise<BulkOutcome[]> {
  if (act.action === 'fulfilled') {
    const connection = await shopConnection(deps.db, shop.id);
    if (connection) throw Conflict(`This shop's ${platformName(connection.platform)} store sends its fulfillments: ship there, and Waitline tells the customers`);
  }
  const outcomes: BulkOutcome[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      const backorder = act.action === 'fulfilled' ? await recordFulfilment(deps, shop, id, act.tracking) : await recordRefund(deps, shop, id, {});
      outcomes.push({ id, ok: true, backorder });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ id, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return outcomes;
}
