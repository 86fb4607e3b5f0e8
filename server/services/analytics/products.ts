import type { Deps } from '../../context.ts';
import type { Shop } from '../../../db/schema/index.ts';
import { itemName } from '../variants/upsert.ts';
import { resolvePeriod, type PeriodQuery } from './period.ts';
import { rate } from './funnel.ts';

export interface ProductsQuery extends PeriodQuery {
  sort: 'waiting' | 'conversion';
  limit: number;
}

interface Row {
  id: string;
  productTitle: string;
  title: string;
  waiting: number;
  offered: number;
  purchased: number;
  revenue: number;
  currency: string | null;
}

const ORDER = {
  waiting: 'waiting desc, v.id',
  // Only variants offered in the period have a conversion rate to rank by.
  conversion: 'cast(purchased as real) / offered desc, purchased desc, v.id',
} as const;

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
    .prepare(
      `select v.id, v.product_title as productTitle, v.title,
              (select count(*) from signups s where s.shop_id = v.shop_id and s.variant_id = v.id and s.status = 'waiting') as waiting,
              coalesce(o.offered, 0) as offered, coalesce(c.purchased, 0) as purchased, coalesce(c.revenue, 0) as revenue,
              coalesce(c.currency, v.currency) as currency
       from variants v
       left join (select variant_id, count(*) as offered from offers
                  where shop_id = @shopId and created_at >= @from and created_at <= @to group by variant_id) o on o.variant_id = v.id
       left join (select variant_id, count(*) as purchased, sum(revenue) as revenue, max(currency) as currency from conversions
                  where shop_id = @shopId and created_at >= @from and created_at <= @to group by variant_id) c on c.variant_id = v.id
       where v.shop_id = @shopId${q.sort === 'conversion' ? ' and o.offered > 0' : ''}
       order by ${ORDER[q.sort]} limit @limit`,
    )
    .all({ shopId: shop.id, from: period.from.getTime(), to: period.to.getTime(), limit: q.limit }) as Row[];

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
