import { isSupportedCountry, parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/**
 * Which numbers we text (SPEC §5: only mobile numbers). US and Canadian
 * numbers cannot be told apart from landlines, so libphonenumber types them
 * FIXED_LINE_OR_MOBILE; refusing those would refuse North America.
 */
const TEXTABLE = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** What a refused number is, in words a shopper understands. */
const KIND: Partial<Record<NonNullable<NumberType>, string>> = {
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  TOLL_FREE: 'a toll-free number',
  UAN: 'a company (UAN) number',
  VOICEMAIL: 'a voicemail access number',
  PERSONAL_NUMBER: 'a personal forwarding number',
  PAGER: 'a pager number',
  FIXED_LINE: 'a landline',
  VOIP: 'an internet (VoIP) number',
};

export interface SmsNumber {
  /** ISO 3166 alpha-2 region of the number (GB, US, GG…), or null when unknown. */
  country: string | null;
  /** Why we would never text it, whatever the shop allows; null when it is a mobile number. */
  refusal: string | null;
}

/**
 * Parsing with full metadata costs ~15 µs; a restock texting thousands asks
 * about the same few numbers again and again, so verdicts are kept, boundedly.
 */
const seen = new Map<string, SmsNumber>();
const SEEN_MAX = 50_000;

/** The region and type verdict for an E.164 number. */
export function smsNumber(e164: string): SmsNumber {
  let found = seen.get(e164);
  if (found) return found;
  const parsed = parsePhoneNumberFromString(e164);
  const type = parsed?.isValid() ? parsed.getType() : undefined;
  found = {
    country: parsed?.country ?? null,
    refusal: type && TEXTABLE.has(type) ? null : `is ${type ? KIND[type] ?? 'a number type' : 'a number'} that cannot receive texts; give a mobile number`,
  };
  if (seen.size >= SEEN_MAX) seen.clear();
  seen.set(e164, found);
  return found;
}

/** Why the number may not be texted by a shop that texts `allowed` countries, or null when it may. */
export function smsRefusal(e164: string, allowed: readonly string[]): string | null {
  const { country, refusal } = smsNumber(e164);
  if (refusal) return refusal;
  if (!country) return "is in no country we can tell, so we can't text it";
  if (!allowed.includes(country)) return `is a ${country} number, and we can't text numbers in ${country}`;
  return null;
}

/** ISO 3166 alpha-2 codes that have phone numbers (every one a shop could sell in). */
export const isCountryCode = (code: string): boolean => /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
