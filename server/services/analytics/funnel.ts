import type { DbOrTx } from '../../../db/index.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import type { Statement } from '../../../db/sql/statement.ts';

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
export async function funnel(db: DbOrTx, shopId: string, q: FunnelQuery) {
  const sql = twins(db).analytics;
  const o = { variant: Boolean(q.variantId) };
  const params = { shopId, from: q.from.getTime(), to: q.to.getTime(), variantId: q.variantId ?? null };
  const one = async <T>(statement: Statement<typeof o, T>) => (await statementRows(db, statement, o, params))[0]!;

  const { signups } = await one(sql.funnelSignups);
  const offers = await one(sql.funnelOffers);
  const sales = await one(sql.funnelSales);
  // Plain numbers sorted in JS: 30,000 purchases cost far less than through the database's sorter.
  const delays = await statementRows(db, sql.purchaseDelays, o, params);
  const hours = Float64Array.from(delays, (r) => r.ms)
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
