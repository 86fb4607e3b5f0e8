import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parseDuration } from './duration.ts';
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

/** Any parseable number becomes E.164; numbers without a country code are rejected, not guessed. */
export const phone = z
  .string()
  .trim()
  .max(32, 'must be at most 32 characters')
  .transform((raw, ctx) => {
    const parsed = parsePhoneNumberFromString(raw);
    if (!parsed || !parsed.isValid()) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid phone number in international format, e.g. +14155550123' });
      return z.NEVER;
    }
    return parsed.number;
  });

/** A number a shopper types to be texted: a phone that is a mobile (not premium-rate, toll-free, a landline…). */
export const mobilePhone = phone.refine((e164) => !smsNumber(e164).refusal, {
  error: (issue) => smsNumber(String(issue.input)).refusal ?? 'must be a mobile number',
});

/** ISO 3166 alpha-2, as we text and sell by it: US, GB, FR… */
export const country = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'must be an ISO 3166 country code such as US or GB');

export const duration = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) >= 1000, 'must be an ISO 8601 duration of at least one second, e.g. PT24H');

/** Platform ids: Shopify numbers or GIDs, WooCommerce ids, SKUs. */
export const platformId = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:/\-]+$/, 'may contain only letters, digits and _ . : / -');

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
