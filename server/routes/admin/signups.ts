import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { SIGNUP_STATUSES } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { plainText, variantId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { listSignups } from '../../services/signups/list.ts';
import { listQueueActions, moveToFront, removeFromQueue } from '../../services/signups/manage.ts';

const query = z.object({
  variantId: variantId.optional(),
  status: z.enum(SIGNUP_STATUSES).optional(),
  cursor: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const action = z.object({ reason: plainText(500).pipe(z.string().min(3, 'is required: say why, it is logged')) }).strict();
const idParam = z.object({ id: z.coerce.number().int().positive() });

export const signupsRoutes = createRouter()
  .post('/signups/:id/remove', doc('Signups', 'secret', 'Takes a signup out of line, with a logged reason; a hold it had goes to the next person.'), validate('param', idParam), validate('json', action), async (c) => {
    await removeFromQueue(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json').reason);
    return c.json({ ok: true });
  })
  .post('/signups/:id/move-to-front', doc('Signups', 'secret', 'Moves a waiting signup to the front of its line, with a logged reason.'), validate('param', idParam), validate('json', action), async (c) => {
    await moveToFront(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json').reason);
    return c.json({ ok: true });
  })
  .get('/queue-actions', doc('Signups', 'secret', 'The log of removals and moves for a variant, newest first.'), validate('query', z.object({ variantId })), async (c) =>
    c.json({ actions: await listQueueActions(c.get('deps').db, c.get('shop').id, c.req.valid('query').variantId) }),
  )
  .get('/signups', doc('Signups', 'secret', 'Signups in FIFO order with their positions.'), validate('query', query), async (c) =>
    c.json(await listSignups(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  );
