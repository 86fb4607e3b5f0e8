import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { en } from '../widget/i18n/en.ts';

// The reference: a bare Hono endpoint that parses the same JSON body and answers 201.
const app = new Hono();
app.get('/health', (c) => c.json({ ok: true }));
app.post('/v1/storefront/signups', async (c) => {
  const body = await c.req.json<{ variantId: string }>();
  return c.json({ signup: { token: 'x', status: 'waiting', position: 1, kind: 'waitlist', variantId: body.variantId } }, 201);
});
// The config route's reference: a GET answering a JSON body of about the same size (every widget string, as ours sends), with CORS for the page's origin.
const answer = JSON.stringify({
  shop: { name: 'Bench', locale: 'en', country: 'US', strings: { ...en, 'widget.button': 'Tell me' }, theme: {} },
  variants: Object.fromEntries(['v1', 'v2', 'v3'].map((id) => [id, { mode: 'waitlist', available: 0, eta: null, preorderRemaining: null, queueLength: 13 }])),
});
app.get('/v1/storefront/config', (c) => c.body(answer, 200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': c.req.header('origin') ?? '*', Vary: 'Origin' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT) });
