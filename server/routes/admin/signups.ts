import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { SIGNUP_STATUSES } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { platformId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { listSignups } from '../../services/signups/list.ts';

const query = z.object({
  variantId: platformId.optional(),
  status: z.enum(SIGNUP_STATUSES).optional(),
  cursor: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const signupsRoutes = createRouter().get('/signups', doc('Signups', 'secret', 'Signups in FIFO order with their positions.'), validate('query', query), (c) =>
  c.json(listSignups(c.var.deps.db, c.var.shop.id, c.req.valid('query'))),
);
