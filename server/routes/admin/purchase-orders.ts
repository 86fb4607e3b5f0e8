import { z } from 'zod';
import { PURCHASE_ORDER_STATUSES } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { csvRows, readingCsv } from '../../lib/csv.ts';
import { AppError, Invalid } from '../../lib/errors.ts';
import { isoDate, plainText, variantId } from '../../lib/fields.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { closePurchaseOrder } from '../../services/purchase-orders/close.ts';
import { createPurchaseOrder } from '../../services/purchase-orders/create.ts';
import { findPurchaseOrder, supplierName } from '../../services/purchase-orders/find.ts';
import { importPurchaseOrders, mapPoHeader, PO_COLUMNS } from '../../services/purchase-orders/import.ts';
import { listPurchaseOrders } from '../../services/purchase-orders/list.ts';
import { presentPurchaseOrder } from '../../services/purchase-orders/present.ts';
import { receivePurchaseOrder } from '../../services/purchase-orders/receive.ts';
import { requotePurchaseOrder } from '../../services/purchase-orders/requote.ts';
import { listSuppliers } from '../../services/purchase-orders/suppliers.ts';

const units = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000);
const createBody = z
  .object({ supplier: plainText(255).pipe(z.string().min(1, 'is required')), variantId, quantity: units, quotedArrival: isoDate })
  .strict();
const patchBody = z.object({ quotedArrival: isoDate }).strict();
const receiveBody = z
  .object({
    quantity: units,
    receivedAt: z
      .union([isoDate, z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO 8601 timestamp' })
      .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
      .optional(),
  })
  .strict();
const idParam = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  status: z.enum(PURCHASE_ORDER_STATUSES).optional(),
  variantId: variantId.optional(),
  supplierId: z.coerce.number().int().positive().optional(),
  cursor: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const pageQuery = listQuery.pick({ cursor: true, limit: true });
/** `?confirm=true` writes a file with history; another value is refused rather than taken for a dry run. */
const importQuery = z.object({ confirm: z.enum(['true', 'false'], { error: 'must be true or false' }).optional() });

const TAG = 'Purchase orders';

export const purchaseOrdersRoutes = createRouter()
  .post(
    '/purchase-orders/import',
    doc(
      TAG,
      'secret',
      'Imports POs from a CSV (text/csv: supplier, variant, quantity, quoted_arrival[, received_at, received_quantity]), all or nothing: any bad row imports nothing and every bad row is reported by number. A row with received_at is history: a closed PO with its receipt, for the supplier\'s record. A file with history answers a dry run (200, nothing written) unless ?confirm=true.',
      { 200: { description: 'Dry run: how many ETA ranges would move and how many customers would be told' }, 201: { description: 'Imported' } },
    ),
    validate('query', importQuery),
    async (c) => {
      let ignored: string[] = [];
      const rows = csvRows(c.req.raw, (header) => {
        const mapped = header.map(mapPoHeader);
        ignored = header.filter((_, i) => !mapped[i]);
        const missing = PO_COLUMNS.filter((col) => !mapped.includes(col));
        if (missing.length) throw Invalid(`The header needs ${PO_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`, 'header');
        return mapped.map((m) => m ?? false);
      });
      const confirm = c.req.valid('query').confirm === 'true';
      const result = await readingCsv(() => importPurchaseOrders(c.get('deps'), c.get('shop'), rows, { confirm }));
      if (!result.ok) {
        const error = new AppError('invalid_request', `${result.errorCount} row${result.errorCount === 1 ? '' : 's'} cannot be imported; nothing was imported`, 'body');
        return c.json({ ...error.toBody(), errors: result.errors, errorCount: result.errorCount }, 400);
      }
      if (result.dryRun) {
        c.set('dryRun', true);
        const { ok: _, ...counts } = result;
        return c.json({ ...counts, ignoredColumns: ignored }, 200);
      }
      const { ok: _, dryRun: __, ...body } = result;
      return c.json({ ...body, ignoredColumns: ignored }, 201);
    },
  )
  .post('/purchase-orders', doc(TAG, 'secret', 'Records a PO; its variant takes a predicted ETA range from it if it is the earliest open one and the merchant has not set one.', { 201: { description: 'Created' } }), validate('json', createBody), async (c) =>
    c.json(await createPurchaseOrder(c.get('deps'), c.get('shop'), c.req.valid('json')), 201),
  )
  .get('/purchase-orders', doc(TAG, 'secret', 'POs oldest first, filtered by status, variant or supplier.'), validate('query', listQuery), async (c) =>
    c.json(await listPurchaseOrders(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  )
  .get('/purchase-orders/:id', doc(TAG, 'secret', 'One PO.'), validate('param', idParam), async (c) => {
    const po = await findPurchaseOrder(c.get('deps').db, c.get('shop').id, c.req.valid('param').id);
    return c.json({ purchaseOrder: presentPurchaseOrder(po, await supplierName(c.get('deps').db, po.supplierId)) });
  })
  .patch('/purchase-orders/:id', doc(TAG, 'secret', "The supplier's new quoted date; customers whose ETA comes from this PO hear it once."), validate('param', idParam), validate('json', patchBody), async (c) =>
    c.json(await requotePurchaseOrder(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json').quotedArrival)),
  )
  .post('/purchase-orders/:id/receive', doc(TAG, 'secret', "Receives units: they restock the variant (backorders first, then the line), the slip joins the supplier's history, and ETAs from this supplier are refreshed."), validate('param', idParam), validate('json', receiveBody), async (c) =>
    c.json(await receivePurchaseOrder(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'))),
  )
  .post('/purchase-orders/:id/close', doc(TAG, 'secret', 'Closes an open PO short (or cancels it when nothing came); the ETA moves to the next open PO.'), validate('param', idParam), async (c) =>
    c.json(await closePurchaseOrder(c.get('deps'), c.get('shop'), c.req.valid('param').id)),
  )
  .get('/suppliers', doc(TAG, 'secret', 'Suppliers with on-time rate, median slip, the slip range ETAs use, and open POs.'), validate('query', pageQuery), async (c) =>
    c.json(await listSuppliers(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  );
