import { Invalid } from '../../lib/errors.ts';
import { addDays, daysBetween, localDate, startOfDay } from '../../lib/local-days.ts';

export const MAX_DAYS = 400;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `from` and `to` as the routes take them: a calendar date in the shop's zone, or an ISO 8601 instant. */
export interface PeriodQuery {
  from?: string;
  to?: string;
}

export interface Period {
  /** First and last instant counted; both inclusive, as in the funnel. */
  from: Date;
  to: Date;
  firstDay: string;
  lastDay: string;
}

/**
 * Resolves a period in the shop's time zone. A date `from` starts at that
 * day's local midnight and a date `to` ends with its day, so `from=2026-11-01&to=2026-11-01`
 * is one whole local day. Without `to` it ends now; without `from` it starts
 * at the local midnight 29 days before the last day: 30 days, today included.
 */
export function resolvePeriod(q: PeriodQuery, timeZone: string, now: Date): Period {
  const to = !q.to ? now.getTime() : DATE_ONLY.test(q.to) ? startOfDay(addDays(q.to, 1), timeZone) - 1 : Date.parse(q.to);
  const from = !q.from
    ? startOfDay(addDays(localDate(to, timeZone), -29), timeZone)
    : DATE_ONLY.test(q.from)
      ? startOfDay(q.from, timeZone)
      : Date.parse(q.from);
  if (from >= to) throw Invalid('from must be before to', 'from');
  const firstDay = localDate(from, timeZone);
  const lastDay = localDate(to, timeZone);
  if (daysBetween(firstDay, lastDay) + 1 > MAX_DAYS) throw Invalid(`The period may span at most ${MAX_DAYS} days`, 'to');
  return { from: new Date(from), to: new Date(to), firstDay, lastDay };
}

/**
 * One [start, end) range of epoch ms per local day of the period, oldest first,
 * clipped to the period, so the days add up to exactly what the funnel counts
 * for the same `from` and `to`.
 */
export function dayRanges(period: Period, timeZone: string): Array<{ date: string; start: number; end: number }> {
  const last = period.to.getTime() + 1;
  const count = daysBetween(period.firstDay, period.lastDay) + 1;
  let next = startOfDay(period.firstDay, timeZone);
  return Array.from({ length: count }, (_, i) => {
    const date = addDays(period.firstDay, i);
    const dayStart = next;
    next = startOfDay(addDays(date, 1), timeZone);
    return { date, start: Math.max(period.from.getTime(), dayStart), end: Math.min(last, next) };
  });
}
