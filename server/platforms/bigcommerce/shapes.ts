import { z } from 'zod';
import { StoreError } from '../store.ts';

/*
 * The store is outside input: every field read from an answer passes one of these. Ids become
 * strings, money minor units; a shape that does not fit is StoreError 'invalid', naming only the path.
 */

export const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const decimal = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/)]);
/** BigCommerce writes money as a number (v3) or a decimal string (v2), in the store's currency. */
export const money = decimal.transform((x) => Math.round(Number(x) * 100));
export const count = decimal.transform((x) => Math.trunc(Number(x)));
export const text = z.string().nullish().transform((x) => x ?? '');
export const title = text.transform((x) => x.slice(0, 255));

/** Parses or throws StoreError('invalid') naming where the answer went wrong, not what it said. */
export function read<S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const at = parsed.error.issues[0]?.path.join('.') || 'the answer';
  throw new StoreError('invalid', `BigCommerce answered ${what} in a shape Waitline does not read (at ${at})`);
}

/** A list in v3's envelope: `{data: [...], meta: {pagination}}`. */
export const v3List = <S extends z.ZodType>(item: S) =>
  z.object({
    data: z.array(item),
    meta: z.object({ pagination: z.object({ total: count, total_pages: count, current_page: count }).optional() }).passthrough().optional(),
  });
export const v3One = <S extends z.ZodType>(item: S) => z.object({ data: item });
