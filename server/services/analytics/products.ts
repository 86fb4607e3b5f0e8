import type { Deps } from '../../context.ts';
import type { Shop } from '../../../db/schema/index.ts';
import { itemName } from '../variants/upsert.ts';
import { resolvePeriod, type PeriodQuery } from './period.ts';
import { rate } from './funnel.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';

export interface ProductsQuery extends PeriodQuery {
  sort: 'waiting' | 'conversion';
  limit: number;
}

/**
 * Variants ranked by the live queue (`waiting`, not bound to the period) or by
 * conversion (purchased / offered within the period). Offers and purchases are
 * counted by when they happened, as in the funnel. `waiting` is one seek per
 * variant on the queue index; the period's offers and sales are each one range
 * over a (shop, created_at) index, grouped by variant.
 */
export async function products(deps: Pick<Deps, 'db' | 'clock'>, shop: Shop, q: ProductsQuery) {
  const period = resolvePeriod(q, shop.settings.timezone, deps.clock.now());
  const rows = await statementRows(deps.db, twins(deps.db).analytics.productRanking, { sort: q.sort }, {
    shopId: shop.id,
    from: period.from.getTime(),
    to: period.to.getTime(),
    limit: q.limit,
  });

  return {
    products: rows.map((r) => ({
      variantId: r.id,
      title: itemName(r),
      waiting: r.waiting,
      offered: r.offered,
      purchased: r.purchased,
      conversionRate: rate(r.purchased, r.offered),
      revenue: r.revenue,
      currency: r.currency,
    })),
  };
}
