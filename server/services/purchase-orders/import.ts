import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../../db/index.ts';
import { variants, type Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { isoDate, plainText, variantId } from '../../lib/fields.ts';
import { insertPurchaseOrder, type PurchaseOrderInput } from './create.ts';
import { receiptOf, recordHistory, variantsOnOrder, type Receipt } from './history-import.ts';
import { presentPurchaseOrder } from './present.ts';
import { REASONS, refreshEtaRanges } from './refresh.ts';

type Column = 'supplier' | 'variant' | 'quantity' | 'quoted_arrival' | 'received_at' | 'received_quantity';
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
  received_at: 'received_at',
  'received at': 'received_at',
  received: 'received_at',
  'received date': 'received_at',
  'date received': 'received_at',
  arrived: 'received_at',
  'arrived at': 'received_at',
  'actual arrival': 'received_at',
  delivered: 'received_at',
  'delivered at': 'received_at',
  received_quantity: 'received_quantity',
  'received quantity': 'received_quantity',
  'received qty': 'received_quantity',
  'qty received': 'received_quantity',
  'quantity received': 'received_quantity',
  'units received': 'received_quantity',
};
/** The columns every file needs; `received_at` and `received_quantity` are optional (history rows). */
export const PO_COLUMNS = ['supplier', 'variant', 'quantity', 'quoted_arrival'] as const;
export const mapPoHeader = (h: string) => HEADERS[h.trim().toLowerCase().replace(/\s+/g, ' ')] ?? null;

export const MAX_PO_ROWS = 5000;
const MAX_ERRORS = 200;
const supplier = plainText(255).pipe(z.string().min(1, 'is required'));
const quantity = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000);

type RowError = { row: number; field: string; message: string };
type Row = { row: number; input: PurchaseOrderInput; receipt: Receipt | null };

export type PoImportResult =
  | { ok: true; dryRun: true; imported: number; history: number; etaChanges: number; customersTold: number }
  | { ok: true; dryRun: false; imported: number; history: number; purchaseOrders: ReturnType<typeof presentPurchaseOrder>[]; notified: number; etaChanges: number }
  | { ok: false; errors: RowError[]; errorCount: number };

/**
 * `POST /v1/admin/purchase-orders/import`: all or nothing. Every row is
 * checked first (row 1 is the header); one bad row imports nothing and every
 * bad row is reported by number, so the merchant fixes the file and sends it
 * again without creating duplicates. ETAs are refreshed once for the batch.
 *
 * A file with history (rows with `received_at`) may move many customers'
 * ranges at once, so unless `confirm` it is a dry run: the very same writes
 * run in a transaction that is then rolled back, and only the counts are
 * answered. Open POs alone are written at once, as before history existed.
 */
export async function importPurchaseOrders(deps: Deps, shop: Shop, rows: AsyncIterable<Record<string, string>>, opts: { confirm: boolean } = { confirm: false }): Promise<PoImportResult> {
  const checked = await checkRows(deps, shop, rows);
  if (!checked.ok) return checked;
  const good = checked.rows;
  const history = good.filter((g) => g.receipt).length;
  const write = (tx: Tx) => writeRows(tx, deps, shop, good);
  if (history > 0 && !opts.confirm) {
    const counted = await transaction(deps.db, async (tx) => {
      throw new DryRun(await write(tx));
    }).catch((error: unknown) => {
      if (error instanceof DryRun) return error.written;
      throw error;
    });
    return { ok: true, dryRun: true, imported: good.length, history, etaChanges: counted.changed, customersTold: counted.notified };
  }
  const written = await transaction(deps.db, write);
  deps.wake();
  return { ok: true, dryRun: false, imported: good.length, history, purchaseOrders: written.purchaseOrders, notified: written.notified, etaChanges: written.changed };
}

type Written = Awaited<ReturnType<typeof writeRows>>;

/** Thrown out of a dry run's transaction so that it rolls back, carrying what the run counted. */
class DryRun extends Error {
  constructor(readonly written: Written) {
    super('dry run: rolled back');
  }
}

/** Every row parsed and checked, or every error (the first MAX_ERRORS) by row number. */
async function checkRows(deps: Deps, shop: Shop, rows: AsyncIterable<Record<string, string>>): Promise<{ ok: true; rows: Row[] } | { ok: false; errors: RowError[]; errorCount: number }> {
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const errors: RowError[] = [];
  let errorCount = 0;
  const fail = (row: number, field: string, message: string) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push({ row, field, message });
  };
  const good: Row[] = [];
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
    if (bad) {
      fail(row, bad, `${bad} ${fields[bad].error?.issues[0]?.message ?? 'is invalid'}`);
      continue;
    }
    const input = { supplier: fields.supplier.data!, variantId: fields.variant.data!, quantity: fields.quantity.data!, quotedArrival: fields.quoted_arrival.data! };
    const history = receiptOf(record, input, now);
    if (!history.ok) fail(row, history.field, history.message);
    else if (!history.receipt && input.quotedArrival < today) fail(row, 'quoted_arrival', `quoted_arrival must not be in the past (today is ${today})`);
    else good.push({ row, input, receipt: history.receipt });
  }
  const ids = [...new Set(good.map((g) => g.input.variantId))];
  const known = new Set(
    ids.length ? (await deps.db.select({ id: variants.id }).from(variants).where(and(eq(variants.shopId, shop.id), inArray(variants.id, ids)))).map((v) => v.id) : [],
  );
  for (const g of good) if (!known.has(g.input.variantId)) fail(g.row, 'variant', `unknown variant ${g.input.variantId}`);
  if (errorCount > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row), errorCount };
  return { ok: true, rows: good };
}

/**
 * The import's writes, in the caller's transaction. The variants whose ETA
 * may move are locked first, in one sorted call, and refreshed last: the
 * file's, and with history every variant on order (history-import.ts says
 * why; the file's new open POs are among the file's). History is written
 * before the refresh, so customers hear once, of ranges that already count it.
 */
async function writeRows(tx: Tx, deps: Deps, shop: Shop, good: Row[]) {
  const now = deps.clock.now();
  const ids = [...new Set(good.map((g) => g.input.variantId))];
  const withHistory = good.some((g) => g.receipt);
  const touched = withHistory ? [...new Set([...ids, ...(await variantsOnOrder(tx, shop.id))])] : ids;
  await twins(tx).locks.lockVariants(tx, shop.id, touched);
  const created = [];
  for (const g of good) created.push(g.receipt ? await recordHistory(tx, shop, g.input, g.receipt, now) : await insertPurchaseOrder(tx, shop, g.input, now));
  // A new shipment is a new PO of the file; a shipment already told moves as history or lateness (refresh.ts).
  const { notified, changed } = await refreshEtaRanges(tx, deps, shop, touched, REASONS.created, now);
  return { purchaseOrders: created.map((c) => presentPurchaseOrder(c.po, c.supplier)), notified, changed };
}
