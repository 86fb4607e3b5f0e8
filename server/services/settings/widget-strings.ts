import { baseLocale } from '../../../emails/index.ts';
import { en } from '../../../widget/src/ui/strings.ts';
import { fr } from '../../../widget/i18n/fr.ts';

const catalogs: Record<string, Record<string, string>> = { en, fr };

/**
 * The widget's strings for one shopper's locale, with the shop's overrides,
 * sent with the storefront config. Only what differs from the English the
 * widget carries is sent.
 */
export function widgetStrings(locale: string, overrides: Record<string, Record<string, string>>): Record<string, string> {
  const base = baseLocale(locale);
  const out: Record<string, string> = {};
  for (const key of Object.keys(en)) {
    const value = overrides[locale]?.[key] ?? overrides[base]?.[key] ?? catalogs[base]?.[key];
    if (value !== undefined && value !== en[key]) out[key] = value;
  }
  return out;
}
