import { createRouter } from '../context.ts';
import { doc } from '../lib/openapi.ts';
import { Invalid } from '../lib/errors.ts';
import { receiveResend, verifyResend } from '../services/webhooks/resend.ts';
import { receiveShopify, verifyShopify } from '../services/webhooks/shopify.ts';
import { receiveTwilioInbound, receiveTwilioStatus, verifyTwilio, type TwilioParams } from '../services/webhooks/twilio.ts';

/**
 * Webhooks in (SPEC §4). Each is verified over the raw bytes before anything is
 * stored: a bad signature is 401 and leaves no trace. A repeat is 200 and does
 * nothing; an unknown topic is 200, logged and ignored.
 */
export const webhookRoutes = createRouter()
  .post('/webhooks/shopify', doc('Webhooks in', 'signature', 'Shopify: X-Shopify-Hmac-Sha256 verified; products/update, inventory_levels/update, orders/create, orders/cancelled.'), async (c) => {
    const raw = await c.req.text();
    const shop = await verifyShopify(c.get('deps'), c.req.header('x-shopify-shop-domain'), c.req.header('x-shopify-hmac-sha256'), raw);
    const webhookId = c.req.header('x-shopify-webhook-id');
    const topic = c.req.header('x-shopify-topic');
    if (!webhookId || !topic) throw Invalid('X-Shopify-Webhook-Id and X-Shopify-Topic are required');
    let payload: unknown;
    try {
      payload = withoutNul(JSON.parse(raw));
    } catch {
      throw Invalid('The body is not JSON');
    }
    // Signed is not well-formed: `null` or an array would reach a NOT NULL column or a topic handler.
    if (!isObject(payload)) throw Invalid('The body is not a JSON object');
    const status = await receiveShopify(c.get('deps'), { shop, topic, webhookId, eventId: c.req.header('x-shopify-event-id') ?? null, payload });
    return c.json({ ok: true, status });
  })
  .post('/webhooks/resend', doc('Webhooks in', 'signature', 'Resend (Standard Webhooks): opens, clicks, delivery, bounces, complaints.'), async (c) => {
    const raw = await c.req.text();
    const id = c.req.header('svix-id');
    const event = withoutNul(verifyResend(c.get('deps'), { id, timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') }, raw));
    // A verified body is still input: without a string `type` there is no event to store (topic is NOT NULL).
    if (!isObject(event) || typeof event.type !== 'string') throw Invalid('The body is not a Resend event');
    return c.json({ ok: true, status: await receiveResend(c.get('deps'), id!, event) });
  })
  .post('/webhooks/twilio/status', doc('Webhooks in', 'signature', 'Twilio delivery status (X-Twilio-Signature).'), async (c) => {
    const params = await twilioParams(await c.req.text());
    verifyTwilio(c.get('deps'), c.req.header('x-twilio-signature'), pathAndQuery(c.req.url), params);
    return c.json({ ok: true, status: await receiveTwilioStatus(c.get('deps'), withoutNul(params)) });
  })
  .post('/webhooks/twilio/inbound', doc('Webhooks in', 'signature', 'Twilio inbound SMS: STOP/START/HELP, other replies to the escalation service. Answers TwiML.', { 200: { description: 'TwiML' } }), async (c) => {
    const params = await twilioParams(await c.req.text());
    verifyTwilio(c.get('deps'), c.req.header('x-twilio-signature'), pathAndQuery(c.req.url), params);
    return c.body(await receiveTwilioInbound(c.get('deps'), withoutNul(params)), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  });

/**
 * A verified payload with every U+0000 taken out of its strings: PostgreSQL's
 * text cannot hold it, and a platform's webhook is cleaned, never refused (the
 * API refuses it instead: server/lib/body.ts). Signatures are checked first,
 * over the bytes that arrived.
 */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const twilioParams = (form: string): TwilioParams => Object.fromEntries(new URLSearchParams(form));

const pathAndQuery = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};
