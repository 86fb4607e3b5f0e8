import type { Statement } from '../statement.ts';
import type { DayRow, FunnelSales, ProductRow, VariantFilter } from '../sqlite/analytics.ts';
import { num } from './named.ts';

/**
 * Analytics statements, PostgreSQL twin of db/sql/sqlite/analytics.ts (same
 * names, parameters and rows). What differs and why:
 * - booleans cannot be summed: `count(*) filter (where …)` counts them;
 * - unquoted identifiers fold to lower case: camelCase aliases are quoted;
 * - `count(*)` is bigint and `sum(bigint)` numeric, which node-postgres returns
 *   as strings: `row` turns them into numbers (revenue in minor units fits);
 * - `@days` is the same JSON text, expanded with `jsonb_array_elements … with ordinality`;
 * - the conversion rank divides as double precision, as SQLite's `real`;
 * - a grouped query's subqueries may only use grouped outer columns: days group by i, lo, hi.
 */

export type { VariantFilter } from '../sqlite/analytics.ts';

const byVariant = (o: VariantFilter, alias: string) => (o.variant ? ` and ${alias}.variant_id = @variantId` : '');

export const funnelSignups: Statement<VariantFilter, { signups: number }> = {
  text: (o) => `select count(*) as signups from signups s where s.shop_id = @shopId and s.created_at >= @from and s.created_at <= @to${byVariant(o, 's')}`,
  row: (r) => ({ signups: num(r.signups) }),
};

export const funnelOffers: Statement<VariantFilter, { offered: number; expired: number; opened: number; clicked: number }> = {
  text: (o) => `select count(*) as offered,
            count(*) filter (where o.status = 'expired') as expired,
            count(*) filter (where o.opened_at is not null) as opened,
            count(*) filter (where o.clicked_at is not null) as clicked
     from offers o where o.shop_id = @shopId and o.created_at >= @from and o.created_at <= @to${byVariant(o, 'o')}`,
  row: (r) => ({ offered: num(r.offered), expired: num(r.expired), opened: num(r.opened), clicked: num(r.clicked) }),
};

export const funnelSales: Statement<VariantFilter, FunnelSales> = {
  text: (o) => `select count(*) as purchased,
            count(*) filter (where c.attribution = 'direct') as direct,
            count(*) filter (where c.attribution = 'assisted') as assisted,
            coalesce(sum(c.revenue), 0) as revenue,
            coalesce(sum(c.revenue) filter (where c.attribution = 'direct'), 0) as "revenueDirect",
            coalesce(sum(c.revenue) filter (where c.attribution = 'assisted'), 0) as "revenueAssisted",
            max(c.currency) as currency
     from conversions c where c.shop_id = @shopId and c.created_at >= @from and c.created_at <= @to${byVariant(o, 'c')}`,
  row: (r) => ({
    purchased: num(r.purchased),
    direct: num(r.direct),
    assisted: num(r.assisted),
    revenue: num(r.revenue),
    revenueDirect: num(r.revenueDirect),
    revenueAssisted: num(r.revenueAssisted),
    currency: (r.currency as string | null) ?? null,
  }),
};

/** Milliseconds from each offer to its purchase (bigint minus bigint: a string from node-postgres). */
export const purchaseDelays: Statement<VariantFilter, { ms: number }> = {
  text: (o) => `select c.created_at - o.created_at as ms from conversions c join offers o on o.id = c.offer_id
         where c.shop_id = @shopId and c.created_at >= @from and c.created_at <= @to${byVariant(o, 'c')}`,
  row: (r) => ({ ms: num(r.ms) }),
};

const PRODUCT_ORDER = {
  waiting: 'waiting desc, v.id',
  conversion: 'purchased::double precision / offered desc, purchased desc, v.id',
} as const;

export const productRanking: Statement<{ sort: 'waiting' | 'conversion' }, ProductRow> = {
  text: (o) => `select v.id, v.product_title as "productTitle", v.title,
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
  row: (r) => ({
    id: r.id as string,
    productTitle: r.productTitle as string,
    title: r.title as string,
    waiting: num(r.waiting),
    offered: num(r.offered),
    purchased: num(r.purchased),
    revenue: num(r.revenue),
    currency: (r.currency as string | null) ?? null,
  }),
};

export const dailyCounts: Statement<VariantFilter, DayRow> = {
  text: (o) => {
    const inDay = (alias: string) => `${alias}.shop_id = @shopId and ${alias}.created_at >= d.lo and ${alias}.created_at < d.hi${byVariant(o, alias)}`;
    return `with d(i, lo, hi) as (select i, (e ->> 0)::bigint, (e ->> 1)::bigint from jsonb_array_elements(@days::jsonb) with ordinality as x(e, i))
       select (select count(*) from signups s where ${inDay('s')}) as signups,
              (select count(*) from offers o where ${inDay('o')}) as offered,
              count(c.id) as purchased,
              coalesce(sum(c.revenue), 0) as revenue,
              max(c.currency) as currency
       from d left join conversions c on ${inDay('c')}
       group by d.i, d.lo, d.hi order by d.i`;
  },
  row: (r) => ({ signups: num(r.signups), offered: num(r.offered), purchased: num(r.purchased), revenue: num(r.revenue), currency: (r.currency as string | null) ?? null }),
};
