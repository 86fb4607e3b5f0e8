import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { validate } from '../../lib/validate.ts';
import { listDeliveries } from '../../services/webhooks/outbound.ts';

const query = z.object({ cursor: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The delivery log of the shop's outbound webhooks. */
export const webhooksRoutes = createRouter().get('/webhooks/deliveries', doc('Webhooks', 'secret', 'The delivery log of outbound webhooks.'), validate('query', query), async (c) =>
  c.json(await listDeliveries(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
);
