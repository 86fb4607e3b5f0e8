import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { createRouter } from '../../context.ts';
import { variantId } from '../../lib/fields.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { findRestock, listRestocks, presentRestock } from '../../services/restock/progress.ts';
import { watchRestock } from '../../services/restock/watch.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  variantId: variantId.optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const restocksRoutes = createRouter()
  .get('/restocks', doc('Restock', 'secret', 'Recent restocks, newest first, each with what allocation did and how far its messages have got.'), validate('query', listQuery), async (c) =>
    c.json(await listRestocks(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  )
  .get('/restocks/:id', doc('Restock', 'secret', 'One restock: what allocation did, and its progress (offers; messages queued, sent, failed; percent; done).'), validate('param', idParam), async (c) => {
    const restock = await findRestock(c.get('deps').db, c.get('shop').id, c.req.valid('param').id);
    return c.json({ restock: await presentRestock(c.get('deps').db, restock) });
  })
  .get(
    '/restocks/:id/events',
    doc('Restock', 'secret', 'Server-sent events: `progress` (the progress object) at once and on every change, then `done`, then the stream ends; a comment line every 15 s. Read it with fetch() to send the bearer key.', { 200: { description: 'text/event-stream' } }),
    validate('param', idParam),
    async (c) => {
      const deps = c.get('deps');
      // Looked up before streaming, so an unknown id is a plain 404.
      const restock = await findRestock(deps.db, c.get('shop').id, c.req.valid('param').id);
      return streamSSE(c, async (stream) => {
        const gone = new AbortController();
        stream.onAbort(() => gone.abort());
        for await (const e of watchRestock(deps, restock, { signal: gone.signal })) {
          if (stream.aborted) break;
          if (e.event === 'heartbeat') await stream.write(': keepalive\n\n');
          else await stream.writeSSE({ event: e.event, data: JSON.stringify(e.progress) });
        }
      });
    },
  );
