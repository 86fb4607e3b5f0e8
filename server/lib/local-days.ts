/**
 * Calendar days in an IANA time zone, as UTC instants. SQLite knows no time
 * zones, so analytics turns each local day into a [start, end) range of epoch
 * milliseconds here, with the zone's rules from Intl (DST included: a day may
 * last 23 or 25 hours), and the database only compares numbers.
 */

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at instant `t`, read as if it were UTC. */
function wallClock(t: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

const offsetAt = (t: number, timeZone: string) => wallClock(t, timeZone) - Math.floor(t / 1000) * 1000;

/** `YYYY-MM-DD` of instant `t` in `timeZone`. */
export function localDate(t: number, timeZone: string): string {
  return new Date(wallClock(t, timeZone)).toISOString().slice(0, 10);
}

/** The calendar date `n` days after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

/**
 * The first instant of `date` in `timeZone`. Local midnight, unless the clocks
 * skip it (some zones change at 00:00), then the first instant that exists.
 * The offset in force is the one before or after any change near that
 * midnight, so both are tried and the earliest instant on that date wins.
 */
export function startOfDay(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const candidates = [wall - offsetAt(wall - DAY, timeZone), wall - offsetAt(wall + DAY, timeZone)].sort((a, b) => a - b);
  // A day the zone skipped entirely has no instant of its own: it starts (and ends) when the next one starts.
  return candidates.find((t) => localDate(t, timeZone) === date) ?? candidates[1]!;
}
