import { baseLocale } from '../../../emails/i18n/index.ts';
import { en as emailEn } from '../../../emails/i18n/en.ts';
import { fr as emailFr } from '../../../emails/i18n/fr.ts';
import { en as widgetEn } from '../../../widget/i18n/en.ts';
import { fr as widgetFr } from '../../../widget/i18n/fr.ts';

type Catalog = Partial<Record<string, string>>;

/** Without a prototype: a key such as `constructor` must read as unknown, not as a function. */
const catalogOf = (...parts: Catalog[]): Catalog => Object.assign(Object.create(null) as Catalog, ...parts);

/** Email, SMS and page copy, then the widget's: one key space, as `strings` overrides both. */
const shipped: Record<string, Catalog> = {
  en: catalogOf(emailEn, widgetEn),
  fr: catalogOf(emailFr, widgetFr),
};

/** Every key a shop may override. */
export const isCopyKey = (key: string): boolean => Object.hasOwn(shipped.en!, key);

/** The shipped text of a key: English always, other languages where their catalog has it. */
export function shippedCopy(key: string): { en: string } & Record<string, string> {
  const out: Record<string, string> = { en: shipped.en![key] ?? '' };
  for (const [locale, catalog] of Object.entries(shipped)) if (locale !== 'en' && catalog[key] !== undefined) out[locale] = catalog[key]!;
  return out as { en: string } & Record<string, string>;
}

export type Parsed = { ok: true; placeholders: string[] } | { ok: false; error: string };

/**
 * The variables a text uses, read as `translate` reads them: `{name}`, and
 * `{name, plural, one {…} other {…}}` whose options may hold more. A brace
 * that opens nothing or closes nothing is an error, since `translate` would
 * print such a block as written.
 */
export function parseCopy(text: string): Parsed {
  const found = new Set<string>();
  let i = 0;
  const fail = (error: string): Parsed => ({ ok: false, error });

  // Reads text up to the `}` that closes an option (inOption) or to the end.
  const message = (inOption: boolean): string | null => {
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '}') {
        if (inOption) return null;
        return 'has a "}" that closes nothing';
      }
      if (ch !== '{') {
        i++;
        continue;
      }
      const arg = /^\{(\w+)(\}|,\s*(\w+),)/.exec(text.slice(i));
      // As strict as `translate`: `{ item }` or `{units , plural, …}` would print as written.
      if (!arg) return 'has a "{" that is not a placeholder such as {item}';
      found.add(arg[1]!);
      i += arg[0].length;
      if (arg[2] === '}') continue;
      if (arg[3] !== 'plural') return `uses {${arg[1]}, ${arg[3]}, …}: only plural blocks are understood`;
      const error = pluralOptions(arg[1]!);
      if (error) return error;
    }
    return inOption ? 'has a "{" that is never closed' : null;
  };

  const pluralOptions = (name: string): string | null => {
    let options = 0;
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (i >= text.length) return `has a plural block for {${name}} that is never closed`;
      if (text[i] === '}') {
        i++;
        return options > 0 ? null : `has a plural block for {${name}} without options`;
      }
      const selector = /^(=\d+|\w+)\s*\{/.exec(text.slice(i));
      if (!selector) return `has a plural block for {${name}} that is not written as one {…} other {…}`;
      i += selector[0].length;
      const error = message(true);
      if (error) return error;
      i++; // the option's closing brace
      options++;
    }
  };

  const error = message(false);
  return error ? fail(error) : { ok: true, placeholders: [...found] };
}

/** The placeholders an override of `key` in `locale` must keep: those of English and of the locale's own catalog. */
export function requiredPlaceholders(key: string, locale: string): string[] {
  const texts = isCopyKey(key) ? [shipped.en![key], shipped[baseLocale(locale)]?.[key]] : [];
  const out = new Set<string>();
  for (const text of texts) {
    const parsed = text === undefined ? null : parseCopy(text);
    if (parsed?.ok) for (const p of parsed.placeholders) out.add(p);
  }
  return [...out];
}

const braces = (names: string[]) => names.map((n) => `{${n}}`).join(' ');

/**
 * Why an override cannot be used, or null when it can. The message completes
 * "strings.<locale>.<key> …", as the API's error shape names the field.
 */
export function copyProblem(locale: string, key: string, text: string): string | null {
  if (!isCopyKey(key)) return 'is not a message key: GET /v1/admin/templates lists them';
  const parsed = parseCopy(text);
  if (!parsed.ok) return parsed.error;
  const required = requiredPlaceholders(key, locale);
  const missing = required.filter((p) => !parsed.placeholders.includes(p));
  if (missing.length > 0) return `must keep ${braces(missing)}`;
  const unknown = parsed.placeholders.filter((p) => !required.includes(p));
  if (unknown.length > 0) {
    const allowed = required.length > 0 ? `only ${braces(required)} can be used here` : 'this text takes no placeholders';
    return `uses ${braces(unknown)}, which would print as written: ${allowed}`;
  }
  return null;
}

/** Every problem in a `strings` record, with the path below `strings` that it names. */
export function copyProblems(strings: Record<string, Record<string, string>>): Array<{ path: [string, string]; message: string }> {
  const out: Array<{ path: [string, string]; message: string }> = [];
  for (const [locale, overrides] of Object.entries(strings)) {
    for (const [key, text] of Object.entries(overrides)) {
      const message = copyProblem(locale, key, text);
      if (message) out.push({ path: [locale, key], message });
    }
  }
  return out;
}

/** For zod's superRefine on `strings`: each problem becomes an issue on its own field. */
export function refineCopy(strings: Record<string, Record<string, string>>, ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void }): void {
  for (const { path, message } of copyProblems(strings)) ctx.addIssue({ code: 'custom', path, message });
}
