import { z } from 'zod';
import { StoreError } from '../store.ts';
import { MAX_PER_PAGE, WC } from './catalog.ts';
import { statusError, type WooCall } from './http.ts';
import { parse, quantity, wooId } from './parse.ts';

/*
 * Stock on WooCommerce lives on a product, or on a variation that manages its own
 * (https://woocommerce.github.io/woocommerce-rest-api-docs/#product-properties: manage_stock, stock_quantity).
 * A stockRef names it: `product/12` or `product/12/variation/34`.
 */

type Ref = { ref: string; productId: string; variationId: string | null };

const REF = /^product\/([1-9]\d{0,18})(?:\/variation\/([1-9]\d{0,18}))?$/;

function parseRef(ref: string): Ref | null {
  const m = REF.exec(ref);
  return m ? { ref, productId: m[1]!, variationId: m[2] ?? null } : null;
}

const counted = z.object({ id: wooId, manage_stock: z.unknown(), stock_quantity: quantity });

const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Reads up to 100 at a time with `include=`; refs the store no longer has, or no longer counts, are left out. */
export async function stockLevels(call: WooCall, refs: string[]): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  const parsed = [...new Set(refs)].map(parseRef).filter((r): r is Ref => r !== null);
  const products = parsed.filter((r) => !r.variationId).map((r) => r.productId);
  const byParent = new Map<string, string[]>();
  for (const r of parsed) if (r.variationId) byParent.set(r.productId, [...(byParent.get(r.productId) ?? []), r.variationId]);

  const read = async (path: string, ids: string[], refOf: (id: string) => string, what: string) => {
    for (const chunk of chunks(ids, MAX_PER_PAGE)) {
      const answer = await call('GET', path, { query: { include: chunk.join(','), per_page: MAX_PER_PAGE } });
      // A product deleted since: its variations went with it.
      if (answer.status === 404 && answer.error?.code !== 'rest_no_route') return;
      if (answer.status !== 200) throw statusError(answer, `reading the stock of ${what}`);
      for (const item of parse(z.array(counted), answer.json, what)) {
        if (item.manage_stock === true && chunk.includes(item.id)) levels.set(refOf(item.id), item.stock_quantity ?? 0);
      }
    }
  };
  await read(`${WC}/products`, products, (id) => `product/${id}`, 'products');
  for (const [parent, ids] of byParent) {
    await read(`${WC}/products/${parent}/variations`, ids, (id) => `product/${parent}/variation/${id}`, `the variations of product ${parent}`);
  }
  return levels;
}

/**
 * WooCommerce's REST API has no relative stock change, so this reads the count and writes count + delta.
 * A sale between the two is overwritten; the reconciliation that follows every adjustment reads the level again.
 */
export async function adjustStock(call: WooCall, ref: string, delta: number): Promise<number> {
  const target = parseRef(ref);
  if (!target) throw new StoreError('invalid', `${ref} is not a WooCommerce stock reference`);
  if (!Number.isInteger(delta)) throw new StoreError('invalid', 'A stock change is a whole number of units');
  const path = target.variationId ? `${WC}/products/${target.productId}/variations/${target.variationId}` : `${WC}/products/${target.productId}`;
  const what = target.variationId ? `variation ${target.variationId}` : `product ${target.productId}`;

  const current = await call('GET', path);
  if (current.status !== 200) throw statusError(current, `reading the stock of ${what}`);
  const before = parse(counted, current.json, what);
  if (before.manage_stock !== true) throw new StoreError('invalid', `WooCommerce no longer manages the stock of ${what}`);

  const written = await call('PUT', path, { body: { stock_quantity: (before.stock_quantity ?? 0) + delta } });
  if (written.status !== 200) throw statusError(written, `changing the stock of ${what}`);
  const after = parse(counted, written.json, what).stock_quantity;
  if (after === null) throw new StoreError('invalid', `WooCommerce answered the stock change of ${what} without a count`);
  return after;
}
