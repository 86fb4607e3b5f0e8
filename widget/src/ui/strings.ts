export type T = (key: string, vars?: Record<string, string | number>) => string;

/**
 * The shop's strings come whole with the config (widget/i18n: every key, in the
 * shopper's language, with the shop's overrides); a key missing shows as itself.
 * `{name}` placeholders only: the widget's copy needs no plural (a count such as
 * "{count} left" reads right in every language shipped), and a plural engine
 * would cost every sold-out page its bytes.
 */
export const makeT =
  (strings: Record<string, string>): T =>
  (key, vars = {}) =>
    String(strings[key] ?? key).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

export const formatDate = (iso: string, locale: string, time?: boolean) => {
  try {
    return new Date(time ? iso : `${iso}T00:00:00Z`).toLocaleString(locale, time ? { dateStyle: 'medium', timeStyle: 'short' } : { month: 'short', day: 'numeric', timeZone: 'UTC' });
  } catch {
    return iso;
  }
};
