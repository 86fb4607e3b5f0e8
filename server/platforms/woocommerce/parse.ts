import { z } from 'zod';
import { StoreError } from '../store.ts';

/*
 * What WooCommerce answers is outside input: every field the client reads passes through here, coerced
 * to what Waitline stores, and a shape that does not fit is StoreError 'invalid' naming only the path.
 */

/** WordPress ids are positive integers; some plugins send them as strings. */
export const wooId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,18}$/)]).transform(String);

/** 0 or absent: "none", as variation_id on a simple product's line. */
export const optionalId = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined || !/^[1-9]\d{0,18}$/.test(String(v)) ? null : String(v)));

/** Money as WooCommerce writes it ("12.50", or a number on a line), in minor units; '' (no price set) is 0. */
export const money = z.union([z.string(), z.number()]).nullish().transform((v, ctx) => {
  if (v === null || v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'not an amount' });
    return z.NEVER;
  }
  return Math.round(n * 100);
});

/** A stock count; WooCommerce may answer a decimal string from a plugin, and null when it does not count. */
export const quantity = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Math.trunc(Number(v))));

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…' };

/** WordPress keeps names with HTML entities ("Tom &amp; Jerry", "&#8217;"); Waitline shows text. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** A name or title, decoded and cut to what Waitline stores. */
export const title = z
  .string()
  .nullish()
  .transform((s) => decodeEntities(s ?? '').trim().slice(0, 255));

/** A string that means nothing when empty (a SKU, an email). */
export const optionalText = z
  .string()
  .nullish()
  .transform((s) => (s && s.trim() ? s.trim().slice(0, 255) : null));

/** Links that end up in emails and the dashboard: only http(s), else none. */
export const webUrl = z
  .unknown()
  .transform((v) => (typeof v === 'string' && /^https?:\/\//i.test(v) && URL.canParse(v) && v.length <= 2048 ? v : null));

/** Parses with `schema`, or fails as 'invalid' naming what was read and where, never the values. */
export function parse<T extends z.ZodType>(schema: T, json: unknown, what: string): z.output<T> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const where = result.error.issues[0]?.path.join('.') || 'the top';
  throw new StoreError('invalid', `WooCommerce answered ${what} in an unexpected shape (at ${where})`);
}
