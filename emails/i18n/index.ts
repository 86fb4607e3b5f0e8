import { en, type StringKey } from './en.ts';
import { fr } from './fr.ts';

export type { StringKey };
export type Overrides = Record<string, Record<string, string>>;

const catalogs: Record<string, Partial<Record<StringKey, string>>> = { en, fr };
export const SHIPPED_LOCALES = Object.keys(catalogs);

/** The shipped locale closest to a tag: `fr-CA` → `fr`, unknown → `en`. */
export function baseLocale(locale: string): string {
  const base = locale.toLowerCase().split('-')[0] ?? 'en';
  return base in catalogs ? base : 'en';
}

/**
 * A string in the shopper's locale: the shop's override for that locale first,
 * then the shipped catalog, then English. `{name}` placeholders are filled from `vars`.
 */
export function translate(
  locale: string,
  key: StringKey,
  vars: Record<string, string | number> = {},
  overrides: Overrides = {},
): string {
  const base = baseLocale(locale);
  const template = overrides[locale]?.[key] ?? overrides[base]?.[key] ?? catalogs[base]?.[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

// Building an Intl formatter costs more than rendering an email; keep one per locale.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(isoDate: string, locale: string): string {
  const tag = baseLocale(locale) === 'en' ? 'en-US' : locale;
  let format = dateFormats.get(tag);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    dateFormats.set(tag, format);
  }
  return format.format(new Date(`${isoDate}T00:00:00Z`));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A moment as the shopper reads it, in the shop's time zone: "Mar 3, 2026, 2:00 PM GMT". */
export function formatTime(at: Date, locale: string, timeZone: string): string {
  const tag = baseLocale(locale) === 'en' ? 'en-US' : locale;
  const cacheKey = `${tag}|${timeZone}`;
  let format = timeFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    timeFormats.set(cacheKey, format);
  }
  return `${format.format(at)} (${timeZone.replace(/_/g, ' ')})`;
}

const shortFormats = new Map<string, Intl.DateTimeFormat>();

/** The same moment in few characters, for SMS: "Mar 3, 12:00 PM GMT+1". */
export function formatTimeShort(at: Date, locale: string, timeZone: string): string {
  const tag = baseLocale(locale) === 'en' ? 'en-US' : locale;
  const cacheKey = `${tag}|${timeZone}`;
  let format = shortFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' });
    shortFormats.set(cacheKey, format);
  }
  return format.format(at);
}

const UNITS: Array<[Intl.NumberFormatOptions['unit'], number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** A span in the largest whole unit that fits: "24 hours", "90 minutes", "3 jours". */
export function formatSpan(ms: number, locale: string): string {
  const tag = baseLocale(locale) === 'en' ? 'en-US' : locale;
  const [unit, size] = UNITS.find(([, size]) => ms >= size && ms % size === 0) ?? UNITS.find(([, size]) => ms >= size) ?? UNITS[3]!;
  return new Intl.NumberFormat(tag, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(ms / size)));
}
