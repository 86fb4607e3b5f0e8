import type { Db } from '../../../db/index.ts';

export interface FunnelQuery {
  from: Date;
  to: Date;
  variantId?: string;
}

/**
 * Signups → offered → opened → clicked → purchased for a period, with revenue.
 * Offers are counted by when they were made; a purchase by when it happened.
 * Purchases are `direct` (hold token, click or claim) or `assisted` (contact
 * match within the attribution window).
 *
 * Each count is one range over a covering index (shop, created_at, …), and
 * opens and clicks are read from the offer itself (copied there when recorded),
 * so a period of a million signups costs index steps, not row lookups.
 */
export function funnel(db: Db, shopId: string, q: FunnelQuery) {
  const client = db.$client;
  const variant = q.variantId ? ' and variant_id = @variantId' : '';
  const params = { shopId, from: q.from.getTime(), to: q.to.getTime(), variantId: q.variantId ?? null };
  const one = <T>(sql: string) => client.prepare(sql).get(params) as T;

  const { signups } = one<{ signups: number }>(
    `select count(*) as signups from signups where shop_id = @shopId and created_at >= @from and created_at <= @to${variant}`,
  );
  const offers = one<{ offered: number; expired: number; opened: number; clicked: number }>(
    `select count(*) as offered,
            coalesce(sum(o.status = 'expired'), 0) as expired,
            coalesce(sum(o.opened_at is not null), 0) as opened,
            coalesce(sum(o.clicked_at is not null), 0) as clicked
     from offers o where o.shop_id = @shopId and o.created_at >= @from and o.created_at <= @to${variant.replace('variant_id', 'o.variant_id')}`,
  );
  const sales = one<{ purchased: number; direct: number; assisted: number; revenue: number; revenueDirect: number; revenueAssisted: number; currency: string | null }>(
    `select count(*) as purchased, coalesce(sum(attribution = 'direct'), 0) as direct, coalesce(sum(attribution = 'assisted'), 0) as assisted,
            coalesce(sum(revenue), 0) as revenue,
            coalesce(sum(case when attribution = 'direct' then revenue end), 0) as revenueDirect,
            coalesce(sum(case when attribution = 'assisted' then revenue end), 0) as revenueAssisted,
            max(currency) as currency
     from conversions where shop_id = @shopId and created_at >= @from and created_at <= @to${variant}`,
  );
  // Plain numbers sorted in JS: 30,000 purchases cost far less than as row objects through SQLite's sorter.
  const hours = Float64Array.from(
    client
      .prepare(
        `select c.created_at - o.created_at from conversions c join offers o on o.id = c.offer_id
         where c.shop_id = @shopId and c.created_at >= @from and c.created_at <= @to${variant.replace('variant_id', 'c.variant_id')}`,
      )
      .pluck()
      .all(params) as number[],
  )
    .sort()
    .map((ms) => ms / 3_600_000);

  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    signups,
    offered: offers.offered,
    opened: offers.opened,
    clicked: offers.clicked,
    purchased: sales.purchased,
    expired: offers.expired,
    direct: sales.direct,
    assisted: sales.assisted,
    revenue: sales.revenue,
    revenueDirect: sales.revenueDirect,
    revenueAssisted: sales.revenueAssisted,
    currency: sales.currency,
    conversionRate: rate(sales.purchased, offers.offered),
    holdExpiryRate: rate(offers.expired, offers.offered),
    medianHoursToPurchase: median(hours),
  };
}

/** A share to four decimals; 0 when there is nothing to share. */
export const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);

function median(sorted: Float64Array): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 100) / 100;
}
