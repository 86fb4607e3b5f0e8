import { z } from 'zod';
import { createRouter } from '../../context.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { recordRefund } from '../../services/backorders/refund.ts';
import { BACKORDER_FILTERS, listBackorders } from '../../services/backorders/list.ts';
import { httpUrl, plainText, variantId } from '../../lib/fields.ts';
import { recordFulfilment } from '../../services/backorders/fulfil.ts';
import { listWriteBacks } from '../../services/backorders/write-back.ts';

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
  .get(
    '/write-backs',
    doc('Pre-orders and backorders', 'secret', 'What Waitline did on the connected store (refunds of cancelled backorder lines), who asked (`customer:<contact id>`, `key:…`, `person:…`), and how it ended: `pending`, `done` with the amount the store confirmed and its id, or `failed` with why (a person then has a `refund` escalation). Newest first.'),
    validate('query', pageQuery),
    async (c) => c.json(await listWriteBacks(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  );
