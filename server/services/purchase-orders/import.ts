import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { isoDate, plainText, variantId } from '../../lib/fields.ts';
import { insertPurchaseOrder, type PurchaseOrderInput } from './create.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtas } from './refresh.ts';

type Column = 'supplier' | 'variant' | 'quantity' | 'quoted_arrival';
const HEADERS: Record<string, Column> = {
  supplier: 'supplier',
  'supplier name': 'supplier',
  vendor: 'supplier',
  variant: 'variant',
  'variant id': 'variant',
  variant_id: 'variant',
  quantity: 'quantity',
  qty: 'quantity',
  units: 'quantity',
  quoted_arrival: 'quoted_arrival',
  'quoted arrival': 'quoted_arrival',
  'expected arrival': 'quoted_arrival',
  eta: 'quoted_arrival',
};
export const PO_COLUMNS: readonly Column[] = ['supplier', 'variant', 'quantity', 'quoted_arrival'];
export const mapPoHeader = (h: string) => HEADERS[h.trim().toLowerCase().replace(/\s+/g, ' ')] ?? null;

export const MAX_PO_ROWS = 5000;
const MAX_ERRORS = 200;
const supplier = plainText(255).pipe(z.string().min(1, 'is required'));
const quantity = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000);

export type PoImportResult =
  | { ok: true; imported: number; purchaseOrders: ReturnType<typeof presentPurchaseOrder>[]; notified: number }
  | { ok: false; errors: Array<{ row: number; field: string; message: string }>; errorCount: number };

/**
 * `POST /v1/admin/purchase-orders/import`: all or nothing. Every row is
 * checked first (row 1 is the header); one bad row imports nothing and every
 * bad row is reported by number, so the merchant fixes the file and sends it
 * again without creating duplicates. ETAs are refreshed once for the batch.
 */
export async function importPurchaseOrders(deps: Deps, shop: Shop, rows: AsyncIterable<Record<string, string>>): Promise<PoImportResult> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const errors: Array<{ row: number; field: string; message: string }> = [];
  let errorCount = 0;
  const fail = (row: number, field: string, message: string) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ row, field, message });
  };
  const good: Array<{ row: number; input: PurchaseOrderInput }> = [];
  let row = 1;
  for await (const record of rows) {
    row++;
    if (row - 1 > MAX_PO_ROWS) {
      fail(row, 'body', `a file may hold at most ${MAX_PO_ROWS} purchase orders`);
      break;
    }
    const fields = {
      supplier: supplier.safeParse(record.supplier ?? ''),
      variant: variantId.safeParse(record.variant ?? ''),
      quantity: quantity.safeParse(record.quantity ?? ''),
      quoted_arrival: isoDate.safeParse(record.quoted_arrival ?? ''),
    };
    const bad = PO_COLUMNS.find((c) => !fields[c].success);
    if (bad) fail(row, bad, `${bad} ${fields[bad].error?.issues[0]?.message ?? 'is invalid'}`);
    else if (fields.quoted_arrival.data! < today) fail(row, 'quoted_arrival', `quoted_arrival must not be in the past (today is ${today})`);
    else good.push({ row, input: { supplier: fields.supplier.data!, variantId: fields.variant.data!, quantity: fields.quantity.data!, quotedArrival: fields.quoted_arrival.data! } });
  }
  const ids = [...new Set(good.map((g) => g.input.variantId))];
  const known = new Set(
    ids.length ? (await deps.db.select({ id: variants.id }).from(variants).where(and(eq(variants.shopId, shop.id), inArray(variants.id, ids)))).map((v) => v.id) : [],
  );
  for (const g of good) if (!known.has(g.input.variantId)) fail(g.row, 'variant', `unknown variant ${g.input.variantId}`);
  if (errorCount > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row), errorCount };

  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const created = [];
    for (const g of good) created.push(await insertPurchaseOrder(tx, shop, g.input, now));
    const notified = await refreshEtas(tx, deps, shop, ids, REASONS.created, now);
    return { ok: true as const, imported: created.length, purchaseOrders: created.map((c) => presentPurchaseOrder(c.po, c.supplier)), notified };
  });
  deps.wake();
  return result;
}
