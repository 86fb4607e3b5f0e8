import { formatDate, translate, type StringKey } from './i18n/index.ts';
import type { RenderContext } from './types.ts';

export type Eta = { earliest: string; latest: string } | null;

/** A translator bound to the shopper's locale and the shop's overrides. */
export const bind =
  (ctx: RenderContext, vars: Record<string, string | number>) =>
  (key: StringKey, extra: Record<string, string | number> = {}) =>
    translate(ctx.locale, key, { shop: ctx.shop.name, ...vars, ...extra }, ctx.strings);

/** An ETA is a range, never one date; without one, say so. */
export function etaText(ctx: RenderContext, eta: Eta): string {
  const t = bind(ctx, {});
  return eta
    ? t('email.eta.backorder', { earliest: formatDate(eta.earliest, ctx.locale), latest: formatDate(eta.latest, ctx.locale) })
    : t('email.noEta.backorder');
}

/** "Apr 1, 2026 – Apr 15, 2026"; `short` drops the year for SMS: "Apr 1 – Apr 15". */
export const rangeText = (ctx: RenderContext, eta: Eta, short = false) => {
  if (!eta) return bind(ctx, {})('eta.was');
  const day = (d: string) => (short ? formatDate(d, ctx.locale).replace(/,? \d{4}$/, '').replace(/ \d{4}$/, '') : formatDate(d, ctx.locale));
  return `${day(eta.earliest)} – ${day(eta.latest)}`;
};

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units as the shopper reads money; zero-decimal currencies stay whole. A format is made once per locale and currency. */
export function money(minor: number, currency: string, locale: string): string {
  const key = `${locale}\n${currency}`;
  let format = moneyFormats.get(key);
  if (!format) moneyFormats.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Tone by context: a VIP hears a loyalty line, which says it ships express when the shop offers that. */
export const loyalty = (ctx: RenderContext, vip: boolean, expedite = false) =>
  vip ? [{ kind: 'p' as const, text: bind(ctx, {})(expedite ? 'email.loyalty.expedited' : 'email.loyalty') }] : [];

/**
 * What an order message knows of its customer, beyond the order. Rows
 * written before first-time care existed carry only `vip`.
 */
export interface Care {
  vip: boolean;
  /** The shop offers VIPs express shipping at no charge (`vipCare.expeditedShipping`). */
  expedite?: boolean;
  /** This is the customer's first order with the shop. */
  firstTime?: boolean;
  /** The shop's FAQ, for first-time buyers. */
  faqUrl?: string | null;
}

/** A first-time buyer gets the simple version (the acknowledgement says how a backorder works) and the shop's FAQ, in every order message. */
export const isFirstTimer = (care: Care) => !care.vip && care.firstTime === true;

export function faqLink(ctx: RenderContext, care: Care): Array<{ kind: 'link'; label: string; url: string }> {
  return isFirstTimer(care) && care.faqUrl ? [{ kind: 'link', label: bind(ctx, {})('email.faq'), url: care.faqUrl }] : [];
}

/**
 * An image for an email: the shop's own https URL, or nothing. A data:, javascript:
 * or plain-http URL never reaches the HTML (Preact escapes the attribute; this keeps the scheme honest).
 */
export function safeImageUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password ? parsed.href : null;
  } catch {
    return null;
  }
}
