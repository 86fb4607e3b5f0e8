import { z } from 'zod';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { parseDuration } from './duration.ts';
import { Invalid } from './errors.ts';
import { isCountryCode, smsNumber } from './sms-numbers.ts';

/** Markup has no business in names, titles or strings; we escape on output anyway. */
const MARKUP = /<\s*\/?\s*[a-z!?]|javascript:/i;
/**
 * Control characters other than tab and line breaks: invisible in a page, trouble in a mail header or an SMS.
 * With them the bidi controls (embeddings, overrides, isolates, LRM/RLM/ALM): a right-to-left override
 * makes "gpj.exe" read "exe.jpg" in an order page or a dashboard.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** For text we cannot refuse (a platform's webhook): the same text without control or bidi characters. */
export const withoutControls = (s: string) => s.replace(CONTROL, '');

export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !MARKUP.test(s), 'must not contain markup')
    .refine((s) => withoutControls(s) === s, 'must not contain control characters');

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));

/** A phone as typed, before we know the shop whose country reads it (see `shopperPhone`). */
export const phoneText = z.string().trim().min(1, 'is required').max(32, 'must be at most 32 characters');

/**
 * A typed number as E.164, or null when it is none. One with its country code
 * (+44…, 0044…) keeps its own country; one without ("(415) 555-0132",
 * "07911 123456") is read as a number of the shop's `country`, as a shopper on
 * a US or UK store types it.
 */
export function e164(raw: string, country: string): string | null {
  const text = raw.trim();
  if (text.length > 32) return null;
  const parsed = parsePhoneNumberFromString(text, isCountryCode(country) ? (country as CountryCode) : undefined);
  return parsed?.isValid() ? parsed.number : null;
}

/** `e164`, or Invalid on `field` so that nothing is stored. */
export function shopperPhone(raw: string, country: string, field = 'phone'): string {
  const number = e164(raw, country);
  if (!number) throw Invalid(`${field} must be a valid ${country} phone number, or one with its country code, e.g. +14155550123`, field);
  return number;
}

/** A number a shopper types to be texted: a phone that is a mobile (not premium-rate, toll-free, a landline…). */
export function shopperMobile(raw: string, country: string, field = 'phone'): string {
  const e164 = shopperPhone(raw, country, field);
  const refusal = smsNumber(e164).refusal;
  if (refusal) throw Invalid(`${field} ${refusal}`, field);
  return e164;
}

/** ISO 3166 alpha-2, as we text and sell by it: US, GB, FR… */
export const country = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'must be an ISO 3166 country code such as US or GB');

export const duration = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) >= 1000, 'must be an ISO 8601 duration of at least one second, e.g. PT24H');

/** Platform ids: Shopify numbers, WooCommerce ids, Medusa ids, SKUs. */
export const platformId = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:/\-]+$/, 'may contain only letters, digits and _ . : / -');

/**
 * A Shopify id as it is stored: `gid://shopify/<type>/123` (the form Hydrogen
 * and the GraphQL APIs give, with any `?…` Shopify may append) becomes the
 * number its webhooks carry, so a Hydrogen page and an orders/create webhook
 * name one variant. A GID of another type, and every other id (a SKU, Medusa's
 * `variant_01H…`), is kept as it is.
 */
const numberOfGid = (type: string) => {
  const gid = new RegExp(`^gid://shopify/${type}/(\\d+)(?:\\?.*)?$`);
  return (id: string): string => gid.exec(id)?.[1] ?? id;
};
export const storedVariantId = numberOfGid('ProductVariant');
export const storedProductId = numberOfGid('Product');
export const storedInventoryItemId = numberOfGid('InventoryItem');

/** A platform id that may arrive as a Shopify GID: checked as it will be stored. */
const shopifyId = (stored: (id: string) => string) => z.string().trim().max(256, 'is too long').transform(stored).pipe(platformId);

/** Every variant id that enters (API, CSV, storefront) goes through here. */
export const variantId = shopifyId(storedVariantId);
export const productId = shopifyId(storedProductId);
export const inventoryItemId = shopifyId(storedInventoryItemId);

export const locale = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as en or fr-CA')
  .transform((s) => s.replace('_', '-'));

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real date');

export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const origin = httpUrl.transform((s) => new URL(s).origin);
