import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { plainText } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { listEscalations, resolveEscalation } from '../../services/escalations/list.ts';

const query = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  cursor: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const escalationsRoutes = createRouter()
  .get('/escalations', doc('Escalations', 'secret', 'The human queue, with order, customer and message history.'), validate('query', query), async (c) => c.json(await listEscalations(c.get('deps').db, c.get('shop').id, c.req.valid('query'))))
  .post(
    '/escalations/:id/resolve',
    doc('Escalations', 'secret', 'Marks an escalation resolved, with an optional note.'),
    validate('param', z.object({ id: z.coerce.number().int().positive() })),
    validate('json', z.object({ resolution: plainText(1000).optional() }).strict()),
    async (c) =>
      c.json({
        escalation: await resolveEscalation(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json').resolution),
      }),
  );
