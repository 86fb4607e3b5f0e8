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

export const dateTime = (iso: string | null) =>
  iso ? new Intl.DateTimeFormat(shopFormat.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: shopFormat.timezone }).format(new Date(iso)) : '—';

export const date = (iso: string) => new Intl.DateTimeFormat(shopFormat.locale, { dateStyle: 'medium', timeZone: shopFormat.timezone }).format(new Date(iso));

/** A calendar date (YYYY-MM-DD, no time zone) as the shop writes it; read as UTC so it never shifts a day. */
const calendar = (options: Intl.DateTimeFormatOptions) => (ymd: string) =>
  new Intl.DateTimeFormat(shopFormat.locale, { ...options, timeZone: 'UTC' }).format(new Date(`${ymd}T00:00:00Z`));

export const day = calendar({ month: 'short', day: 'numeric', year: 'numeric' });
/** Few characters, for chart ticks: "Oct 27", "27 oct.". */
export const shortDay = calendar({ month: 'short', day: 'numeric' });
