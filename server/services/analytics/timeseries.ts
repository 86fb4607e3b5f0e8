import type { Deps } from '../../context.ts';
import type { Shop } from '../../../db/schema/index.ts';
import { dayRanges, resolvePeriod, type PeriodQuery } from './period.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';

export interface TimeseriesQuery extends PeriodQuery {
  variantId?: string;
}

/**
 * Signups, offers, purchases and revenue per calendar day in the shop's time
 * zone, every day of the period present (zero when nothing happened), oldest
 * first. Counted by when each happened, like the funnel.
 *
 * The day boundaries are computed in JS (SQLite has no time zones) and passed
 * as one JSON array; each day is then a range seek on the (shop, created_at)
 * indexes, so the cost is the rows in the period plus one seek per day.
 */
export async function timeseries(deps: Pick<Deps, 'db' | 'clock'>, shop: Shop, q: TimeseriesQuery) {
  const timezone = shop.settings.timezone;
  const days = dayRanges(resolvePeriod(q, timezone, deps.clock.now()), timezone);
  const rows = await statementRows(deps.db, twins(deps.db).analytics.dailyCounts, { variant: Boolean(q.variantId) }, {
    shopId: shop.id,
    variantId: q.variantId ?? null,
    days: JSON.stringify(days.map((d) => [d.start, d.end])),
  });

  return {
    bucket: 'day' as const,
    timezone,
    // Money is minor units plus currency (SPEC §4): the currency of the period's sales, null without any.
    currency: rows.find((r) => r.currency)?.currency ?? null,
    points: days.map((d, i) => {
      const { signups = 0, offered = 0, purchased = 0, revenue = 0 } = rows[i] ?? {};
      return { date: d.date, signups, offered, purchased, revenue };
    }),
  };
}
