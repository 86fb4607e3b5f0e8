import { baseLocale } from '../../../emails/index.ts';
import { en } from '../../../widget/i18n/en.ts';
import { fr } from '../../../widget/i18n/fr.ts';

const catalogs: Record<string, Record<string, string>> = { en, fr };

/**
 * The widget's strings for one shopper's locale, with the shop's overrides,
 * sent with the storefront config: every key, since the bundle carries no
 * copy of its own (English included), and English fills what a language lacks.
 */
export function widgetStrings(locale: string, overrides: Record<string, Record<string, string>>): Record<string, string> {
  const base = baseLocale(locale);
  const out: Record<string, string> = {};
  for (const key of Object.keys(en)) {
    out[key] = overrides[locale]?.[key] ?? overrides[base]?.[key] ?? catalogs[base]?.[key] ?? en[key]!;
  }
  return out;
}
