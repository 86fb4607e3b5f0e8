/**
 * Numbers, money and times in the shop's locale and time zone (its settings),
 * not the browser's: a Paris shop sees "1 234,50 €" and Paris times wherever
 * its staff sign in from. Set once after sign-in.
 */
export const shopFormat = { locale: 'en', timezone: 'UTC', currency: 'USD' };

export function setShopFormat(next: Partial<typeof shopFormat>) {
  Object.assign(shopFormat, Object.fromEntries(Object.entries(next).filter(([, v]) => v)));
}

export const num = (n: number) => new Intl.NumberFormat(shopFormat.locale).format(n);

/** Minor units → "$1,234.50" in the shop's locale. */
export const money = (minor: number, currency?: string | null) =>
  new Intl.NumberFormat(shopFormat.locale, { style: 'currency', currency: currency || shopFormat.currency }).format(minor / 100);

export const pct = (x: number) => new Intl.NumberFormat(shopFormat.locale, { style: 'percent', maximumFractionDigits: 1 }).format(x);

/*
 * Two ways to write a time, the same on every page: a day ("Dec 1, 2026") and a
 * moment ("Dec 1, 2026, 2:05 PM"), in the shop's locale. A moment (an ISO
 * instant) is read in the shop's time zone; a calendar date (YYYY-MM-DD, such as
 * an ETA) has no zone and is read as UTC so it never shifts a day.
 */
const DAY: Intl.DateTimeFormatOptions = { dateStyle: 'medium' };
const MOMENT: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
const inShop = (options: Intl.DateTimeFormatOptions, timeZone = shopFormat.timezone) => new Intl.DateTimeFormat(shopFormat.locale, { ...options, timeZone });

/** A moment: "Dec 1, 2026, 2:05 PM" in the shop's zone; "—" for none. */
export const dateTime = (iso: string | null) => (iso ? inShop(MOMENT).format(new Date(iso)) : '—');

/** The day a moment falls on in the shop's zone: "Dec 1, 2026". */
export const date = (iso: string) => inShop(DAY).format(new Date(iso));

const calendar = (options: Intl.DateTimeFormatOptions) => (ymd: string) => inShop(options, 'UTC').format(new Date(`${ymd}T00:00:00Z`));

/** A calendar date (YYYY-MM-DD) as the same day style: "Dec 1, 2026". */
export const day = calendar(DAY);
/** Few characters, for chart ticks: "Oct 27", "27 oct.". */
export const shortDay = calendar({ month: 'short', day: 'numeric' });

/** The calendar date (YYYY-MM-DD) of a UTC instant in ms: the chart keeps its days as UTC midnights. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today's calendar date (YYYY-MM-DD) in the shop's time zone. */
export const shopToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: shopFormat.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** How far the shop's clock is ahead of UTC at instant `t`, in ms. */
function zoneOffset(t: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: shopFormat.timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(t));
  const p = Object.fromEntries(parts.map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - t;
}

/** The instant a calendar date begins in the shop's time zone (twice, so a DST change that day lands right). */
export function startOfShopDay(ymd: string): string {
  const midnightUtc = Date.parse(`${ymd}T00:00:00Z`);
  const guess = midnightUtc - zoneOffset(midnightUtc);
  return new Date(midnightUtc - zoneOffset(guess)).toISOString();
}

/** A calendar date `n` days after `ymd` (negative: before). */
export const addDays = (ymd: string, n: number) => utcDay(Date.parse(`${ymd}T00:00:00Z`) + n * 86_400_000);

/** Hours as a person says them: "under a minute", "12 min", "5 h 30 min", "3 days". */
export function hoursText(hours: number): string {
  const minutes = Math.round(hours * 60);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${num(minutes)} min`;
  if (hours < 48) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m ? `${num(h)} h ${num(m)} min` : `${num(h)} h`;
  }
  const days = Math.round(hours / 24);
  return `${num(days)} days`;
}
