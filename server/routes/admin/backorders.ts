import { z } from 'zod';
import { createRouter } from '../../context.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { recordRefund } from '../../services/backorders/refund.ts';
import { BACKORDER_FILTERS, listBackorders } from '../../services/backorders/list.ts';
import { httpUrl, isoDate, plainText, variantId } from '../../lib/fields.ts';
import { Invalid } from '../../lib/errors.ts';
import { recordFulfilment } from '../../services/backorders/fulfil.ts';
import { bulkBackorders, type BulkAction } from '../../services/backorders/bulk.ts';
import { backorderReport } from '../../services/backorders/report.ts';
import { listWriteBacks } from '../../services/backorders/write-back.ts';
import { confirmPartial } from '../../services/backorders/confirm-partial.ts';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const refundBody = z
  .object({
    /** Minor units; a zero "refund" would tell the customer money moved when none did. */
    amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

const fulfilBody = z
  .object({
    carrier: plainText(100).optional(),
    trackingNumber: plainText(100).optional(),
    trackingUrl: httpUrl.optional(),
  })
  .strict();

/** A note kept on the resolved escalation with the confirmation. */
const confirmBody = z.object({ note: plainText(1000).optional() }).strict();

const pageQuery = z
  .object({
    cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const listQuery = z
  .object({
    status: z.enum(BACKORDER_FILTERS).optional(),
    variantId: variantId.optional(),
    supplierId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const ids = z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(200);
const bulkBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('fulfilled'), ids, carrier: plainText(100).optional(), trackingNumber: plainText(100).optional(), trackingUrl: httpUrl.optional() }).strict(),
  z.object({ action: z.literal('refunded'), ids }).strict(),
]);

const reportQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();

export const backordersRoutes = createRouter()
  .get('/backorders', doc('Pre-orders and backorders', 'secret', 'Backorder lines in order-time FIFO; `status` is open, allocated (in stock, being packed), shipped (a fulfillment exists), cancelled, refunded, or the filters late and escalated.'), validate('query', listQuery), async (c) =>
    c.json(await listBackorders(c.get('deps').db, c.get('shop').id, c.get('deps').clock.now().toISOString().slice(0, 10), c.req.valid('query'))),
  )
  .post(
    '/backorders/:id/refunded',
    doc('Pre-orders and backorders', 'secret', 'Records that the merchant refunded what a backorder line still owed (amount in minor units, default all of it); the line leaves the queue and the customer is told, once. 409 when already recorded or nothing is owed.'),
    validate('param', idParam),
    validate('json', refundBody),
    async (c) => c.json({ backorder: await recordRefund(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json')) }),
  )
  .post(
    '/backorders/:id/fulfilled',
    doc('Pre-orders and backorders', 'secret', 'Records that the merchant shipped a backorder line: one allocated from stock, or one still open and sent from elsewhere (it then leaves the queue). The customer is told it is on its way, with tracking when given. 409 unless the line is open or allocated.'),
    validate('param', idParam),
    validate('json', fulfilBody),
    async (c) => c.json({ backorder: await recordFulfilment(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json')) }),
  )
  .post(
    '/backorders/:id/confirm-partial',
    doc('Pre-orders and backorders', 'secret', 'A person confirms that the units set aside for part of an open line ship now: the customer is told (how many are being packed, how many will follow) and the line\'s `partial_shipment` escalation is resolved, once. `told` is false when the customer has no channel to hear on. 409 when nothing awaits confirmation: no units set aside, already confirmed or resolved, or the line is no longer open.'),
    validate('param', idParam),
    validate('json', confirmBody),
    async (c) => c.json(await confirmPartial(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/backorders/bulk',
    doc('Pre-orders and backorders', 'secret', 'The desk\'s bulk actions on up to 200 lines: `fulfilled` (with tracking; refused with 409 for a connected store, whose platform sends its fulfillments) or `refunded` (cancel with the refund the merchant made). Each line is its own change: the answer lists each one\'s outcome, and a refused line leaves the others done.'),
    validate('json', bulkBody),
    async (c) => {
      const body = c.req.valid('json');
      const act: BulkAction = body.action === 'fulfilled' ? { action: 'fulfilled', tracking: { carrier: body.carrier, trackingNumber: body.trackingNumber, trackingUrl: body.trackingUrl } } : { action: 'refunded' };
      return c.json({ results: await bulkBackorders(c.get('deps'), c.get('shop'), body.ids, act) });
    },
  )
  .get(
    '/backorders/report',
    doc('Pre-orders and backorders', 'secret', 'The desk\'s outcome report over `from`–`to` (UTC days; default the last 30): lines handled and where they stand, messages sent, replies handled automatically or by a person, cancellations, and lines deflected (resolved with no escalation and no reply).'),
    validate('query', reportQuery),
    async (c) => {
      const q = c.req.valid('query');
      const today = c.get('deps').clock.now().toISOString().slice(0, 10);
      const to = q.to ?? today;
      const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
      if (from > to) throw Invalid('must be on or before `to`', 'from');
      return c.json({ report: await backorderReport(c.get('deps').db, c.get('shop').id, { from, to }) });
    },
  )
  .get(
    '/write-backs',
    doc('Pre-orders and backorders', 'secret', 'What Waitline did on the connected store (refunds of cancelled backorder lines), who asked (`customer:<contact id>`, `key:…`, `person:…`), and how it ended: `pending`, `done` with the amount the store confirmed and its id, or `failed` with why (a person then has a `refund` escalation). Newest first.'),
    validate('query', pageQuery),
    async (c) => c.json(await listWriteBacks(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  );
