import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { email, phone, platformId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { ingestOrder } from '../../services/orders/ingest.ts';
import { funnel } from '../../services/analytics/funnel.ts';

const money = z.number().int('must be in minor units').min(0).max(100_000_000_000);

const orderBody = z
  .object({
    id: platformId,
    email,
    phone: phone.optional(),
    ordersCount: z.number().int().min(0).max(1_000_000).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
    total: money,
    lineItems: z
      .array(
        z
          .object({
            variantId: platformId,
            quantity: z.number().int('must be a whole number').min(1).max(10_000),
            price: money,
          })
          .strict(),
      )
      .min(1, 'must have at least one line')
      .max(250),
    holdToken: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a hold token').optional(),
  })
  .strict();

const funnelQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    variantId: platformId.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

export const ordersRoutes = createRouter()
  .post('/orders', doc('Orders', 'secret', 'An order: consumes holds, takes on-hand units, turns the shortfall into backorders, credits conversions. Idempotent by order id.', { 200: { description: 'Seen before' }, 201: { description: 'Recorded' } }), validate('json', orderBody), (c) => {
    const result = ingestOrder(c.var.deps, c.var.shop, c.req.valid('json'));
    return c.json(result, result.created ? 201 : 200);
  })
  .get('/analytics/funnel', doc('Analytics', 'secret', 'Signups → offered → opened → clicked → purchased for a period, with revenue (direct and assisted).'), validate('query', funnelQuery), (c) => {
    const q = c.req.valid('query');
    const now = c.var.deps.clock.now();
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
    return c.json(funnel(c.var.deps.db, c.var.shop.id, { from, to, variantId: q.variantId }));
  });
