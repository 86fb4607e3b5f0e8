import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The reference: a bare Hono endpoint that parses the same JSON body and answers 201.
const app = new Hono();
app.get('/health', (c) => c.json({ ok: true }));
app.post('/v1/storefront/signups', async (c) => {
  const body = await c.req.json<{ variantId: string }>();
  return c.json({ signup: { token: 'x', status: 'waiting', position: 1, kind: 'waitlist', variantId: body.variantId } }, 201);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT) });
