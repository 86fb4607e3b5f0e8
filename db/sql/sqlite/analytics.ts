import type { Statement } from '../statement.ts';

/**
 * Analytics statements, SQLite twin (see db/sql/pg/analytics.ts). Engine-specific
 * because SQLite sums comparisons (`sum(x = 'y')`), keeps camelCase aliases
 * unquoted, divides with `cast(... as real)` and expands a JSON array with
 * `json_each`; better-sqlite3 already returns counts and sums as numbers.
 * Parameters: @shopId, @from, @to (epoch ms, both inclusive), @variantId.
 */

export interface VariantFilter {
  /** Adds `and <alias>.variant_id = @variantId`. */
  variant: boolean;
}

const byVariant = (o: VariantFilter, alias: string) => (o.variant ? ` and ${alias}.variant_id = @variantId` : '');
const same = <T>(raw: Record<string, unknown>) => raw as T;

export const funnelSignups: Statement<VariantFilter, { signups: number }> = {
  text: (o) => `select count(*) as signups from signups s where s.shop_id = @shopId and s.created_at >= @from and s.created_at <= @to${byVariant(o, 's')}`,
  row: same,
};

export const funnelOffers: Statement<VariantFilter, { offered: number; expired: number; opened: number; clicked: number }> = {
  text: (o) => `select count(*) as offered,
            coalesce(sum(o.status = 'expired'), 0) as expired,
            coalesce(sum(o.opened_at is not null), 0) as opened,
            coalesce(sum(o.clicked_at is not null), 0) as clicked
     from offers o where o.shop_id = @shopId and o.created_at >= @from and o.created_at <= @to${byVariant(o, 'o')}`,
  row: same,
};

export interface FunnelSales {
  purchased: number;
  direct: number;
  assisted: number;
  revenue: number;
  revenueDirect: number;
  revenueAssisted: number;
  currency: string | null;
}

export const funnelSales: Statement<VariantFilter, FunnelSales> = {
  text: (o) => `select count(*) as purchased, coalesce(sum(c.attribution = 'direct'), 0) as direct, coalesce(sum(c.attribution = 'assisted'), 0) as assisted,
            coalesce(sum(c.revenue), 0) as revenue,
            coalesce(sum(case when c.attribution = 'direct' then c.revenue end), 0) as revenueDirect,
            coalesce(sum(case when c.attribution = 'assisted' then c.revenue end), 0) as revenueAssisted,
            max(c.currency) as currency
     from conversions c where c.shop_id = @shopId and c.created_at >= @from and c.created_at <= @to${byVariant(o, 'c')}`,
  row: same,
};

/** Milliseconds from each offer to its purchase, one column (`ms`), unordered: the caller sorts plain numbers. */
export const purchaseDelays: Statement<VariantFilter, { ms: number }> = {
  text: (o) => `select c.created_at - o.created_at as ms from conversions c join offers o on o.id = c.offer_id
         where c.shop_id = @shopId and c.created_at >= @from and c.created_at <= @to${byVariant(o, 'c')}`,
  row: same,
};

export interface ProductRow {
  id: string;
  productTitle: string;
  title: string;
  waiting: number;
  offered: number;
  purchased: number;
  revenue: number;
  currency: string | null;
}

const PRODUCT_ORDER = {
  waiting: 'waiting desc, v.id',
  // Only variants offered in the period have a conversion rate to rank by.
  conversion: 'cast(purchased as real) / offered desc, purchased desc, v.id',
} as const;

/** Variants with their live queue and the period's offers and sales; also @limit. */
export const productRanking: Statement<{ sort: 'waiting' | 'conversion' }, ProductRow> = {
  text: (o) => `select v.id, v.product_title as productTitle, v.title,
              (select count(*) from signups s where s.shop_id = v.shop_id and s.variant_id = v.id and s.status = 'waiting') as waiting,
              coalesce(o.offered, 0) as offered, coalesce(c.purchased, 0) as purchased, coalesce(c.revenue, 0) as revenue,
              coalesce(c.currency, v.currency) as currency
       from variants v
       left join (select variant_id, count(*) as offered from offers
                  where shop_id = @shopId and created_at >= @from and created_at <= @to group by variant_id) o on o.variant_id = v.id
       left join (select variant_id, count(*) as purchased, sum(revenue) as revenue, max(currency) as currency from conversions
                  where shop_id = @shopId and created_at >= @from and created_at <= @to group by variant_id) c on c.variant_id = v.id
       where v.shop_id = @shopId${o.sort === 'conversion' ? ' and o.offered > 0' : ''}
       order by ${PRODUCT_ORDER[o.sort]} limit @limit`,
  row: same,
};

export interface DayRow {
  signups: number;
  offered: number;
  purchased: number;
  revenue: number;
  currency: string | null;
}

/**
 * One row per day, in the order of @days: a JSON array of [start, end) epoch-ms
 * pairs (SQLite has no time zones, so the caller computes the local days).
 */
export const dailyCounts: Statement<VariantFilter, DayRow> = {
  text: (o) => {
    const inDay = (alias: string) => `${alias}.shop_id = @shopId and ${alias}.created_at >= d.lo and ${alias}.created_at < d.hi${byVariant(o, alias)}`;
    return `with d(i, lo, hi) as (select key, value ->> 0, value ->> 1 from json_each(@days))
       select (select count(*) from signups s where ${inDay('s')}) as signups,
              (select count(*) from offers o where ${inDay('o')}) as offered,
              count(c.id) as purchased,
              coalesce(sum(c.revenue), 0) as revenue,
              max(c.currency) as currency
       from d left join conversions c on ${inDay('c')}
       group by d.i order by d.i`;
  },
  row: same,
};
