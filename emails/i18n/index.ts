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
