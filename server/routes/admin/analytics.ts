import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { variantId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { funnel } from '../../services/analytics/funnel.ts';
import { timeseries } from '../../services/analytics/timeseries.ts';
import { products } from '../../services/analytics/products.ts';

const instant = z.iso.datetime({ offset: true });

const funnelQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    variantId: variantId.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

/** A calendar date in the shop's time zone, or an exact instant; the service resolves it (and the 400-day cap) in that zone. */
const when = z
  .string()
  .refine((s) => z.iso.date().safeParse(s).success || instant.safeParse(s).success, 'must be a date (YYYY-MM-DD) or an ISO 8601 time with an offset');

const timeseriesQuery = z.object({ from: when.optional(), to: when.optional(), variantId: variantId.optional() });

const productsQuery = z.object({
  from: when.optional(),
  to: when.optional(),
  sort: z.enum(['waiting', 'conversion']).default('waiting'),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(10),
});

export const analyticsRoutes = createRouter()
  .get('/analytics/funnel', doc('Analytics', 'secret', 'Signups → offered → opened → clicked → purchased for a period, with revenue (direct and assisted).'), validate('query', funnelQuery), async (c) => {
    const q = c.req.valid('query');
    const now = c.get('deps').clock.now();
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
    return c.json(await funnel(c.get('deps').db, c.get('shop').id, { from, to, variantId: q.variantId }));
  })
  .get(
    '/analytics/timeseries',
    doc('Analytics', 'secret', "Signups, offers, purchases and revenue per day in the shop's time zone, every day of the period (at most 400; default the last 30), oldest first."),
    validate('query', timeseriesQuery),
    async (c) => c.json(await timeseries(c.get('deps'), c.get('shop'), c.req.valid('query'))),
  )
  .get(
    '/analytics/products',
    doc('Analytics', 'secret', 'Variants ranked by the people waiting now, or by conversion (purchased / offered) in the period, with offers, purchases and revenue.'),
    validate('query', productsQuery),
    async (c) => c.json(await products(c.get('deps'), c.get('shop'), c.req.valid('query'))),
  );
