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
  return fill(expandPlurals(template, locale, vars), vars);
}

const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

const pluralRules = new Map<string, Intl.PluralRules>();

/** The plural category of a count in a locale ("one", "other", …), as the language counts. */
export function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(baseLocale(locale) === 'en' ? 'en-US' : locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(n);
}

/**
 * ICU-lite plurals: `{units, plural, =0 {none} one {# was restocked} other {# were restocked}}`.
 * An exact `=n` wins, then the locale's category, then `other`; `#` is the count.
 * A malformed block is left as written, so a shop's typo shows rather than vanishes.
 */
export function expandPlurals(text: string, locale: string, vars: Record<string, string | number>): string {
  const head = /\{(\w+),\s*plural,/g;
  let out = '';
  let from = 0;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const parsed = pluralOptions(text, m.index + m[0].length);
    if (!parsed) continue;
    const n = Number(vars[m[1]!]);
    const options = parsed.options;
    const chosen = options.get(`=${n}`) ?? (Number.isFinite(n) ? options.get(pluralCategory(locale, n)) : undefined) ?? options.get('other') ?? '';
    out += text.slice(from, m.index) + chosen.replace(/#/g, Number.isFinite(n) ? String(n) : '#');
    from = parsed.end;
    head.lastIndex = parsed.end;
  }
  return out + text.slice(from);
}

/** Reads `one {…} other {…}}` from `at`; returns the options and the index after the closing brace. */
function pluralOptions(text: string, at: number): { options: Map<string, string>; end: number } | null {
  const options = new Map<string, string>();
  let i = at;
  for (;;) {
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] === '}') return options.size > 0 ? { options, end: i + 1 } : null;
    const selector = /^(=\d+|\w+)\s*\{/.exec(text.slice(i));
    if (!selector) return null;
    i += selector[0].length;
    let depth = 1;
    const start = i;
    for (; i < text.length && depth > 0; i++) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
    if (depth > 0) return null;
    options.set(selector[1]!, text.slice(start, i - 1));
  }
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
