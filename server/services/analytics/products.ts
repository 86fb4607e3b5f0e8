import type { Deps } from '../../context.ts';
import type { Shop } from '../../../db/schema/index.ts';
import { itemName } from '../variants/upsert.ts';
import { resolvePeriod, type PeriodQuery } from './period.ts';
import { rate } from './funnel.ts';
import { productRanking, type ProductRow } from '../../../db/sql/sqlite/analytics.ts';

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
export function products(deps: Pick<Deps, 'db' | 'clock'>, shop: Shop, q: ProductsQuery) {
  const period = resolvePeriod(q, shop.settings.timezone, deps.clock.now());
  const rows = deps.db.$client
    .prepare(productRanking.text({ sort: q.sort }))
    .all({ shopId: shop.id, from: period.from.getTime(), to: period.to.getTime(), limit: q.limit }) as ProductRow[];

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
