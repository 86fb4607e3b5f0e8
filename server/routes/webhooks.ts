import { createRouter } from '../context.ts';
import { doc } from '../lib/openapi.ts';
import { Invalid, Unauthorized } from '../lib/errors.ts';
import { BIGCOMMERCE_SECRET_HEADER } from '../platforms/bigcommerce/api.ts';
import { receiveResend, verifyResend } from '../services/webhooks/resend.ts';
import { receiveShopify, verifyShopify } from '../services/webhooks/shopify.ts';
import { receiveStore, verifyBigCommerce, verifyWooCommerce } from '../services/webhooks/store.ts';
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
    const payload = jsonObject(raw);
    const status = await receiveShopify(c.get('deps'), { shop, topic, webhookId, eventId: c.req.header('x-shopify-event-id') ?? null, payload });
    return c.json({ ok: true, status });
  })
  .post(
    '/webhooks/woocommerce',
    doc('Webhooks in', 'signature', 'WooCommerce: X-WC-Webhook-Signature (base64 HMAC-SHA256 of the body with the webhook’s own secret), the store by X-WC-Webhook-Source; product.updated, order.created, order.updated. The unsigned ping WooCommerce sends when a webhook is created is answered 200 and stores nothing.'),
    async (c) => {
      const raw = await c.req.text();
      const signature = c.req.header('x-wc-webhook-signature');
      // WooCommerce checks a new webhook's address with an unsigned `webhook_id=N`: nothing to verify, nothing to do.
      if (!signature && /^webhook_id=\d{1,20}$/.test(raw.trim())) return c.json({ ok: true, status: 'ping' });
      const headers = { source: c.req.header('x-wc-webhook-source'), webhookId: c.req.header('x-wc-webhook-id'), signature, deliveryId: c.req.header('x-wc-webhook-delivery-id') };
      const delivery = await verifyWooCommerce(c.get('deps'), headers, raw);
      const payload = jsonObject(raw);
      return c.json({ ok: true, status: await receiveStore(c.get('deps'), { ...delivery, payload }) });
    },
  )
  .post(
    '/webhooks/bigcommerce',
    doc('Webhooks in', 'signature', 'BigCommerce: the secret header Waitline set when it created the webhook, the store by the payload’s producer (stores/{hash}); store/sku/inventory/updated, store/product/inventory/updated, store/order/created, store/order/statusUpdated.'),
    async (c) => {
      const raw = await c.req.text();
      // The payload names the store whose secret the header must carry: read, not trusted, until that holds.
      let payload: Record<string, unknown>;
      try {
        payload = jsonObject(raw);
      } catch {
        throw Unauthorized('Webhook signature could not be verified');
      }
      const delivery = await verifyBigCommerce(c.get('deps'), c.req.header(BIGCOMMERCE_SECRET_HEADER), payload, raw);
      return c.json({ ok: true, status: await receiveStore(c.get('deps'), { ...delivery, payload }) });
    },
  )
  .post('/webhooks/resend', doc('Webhooks in', 'signature', 'Resend (Standard Webhooks): opens, clicks, delivery, bounces, complaints, and inbound replies (`email.received`, routed by Reply-To).'), async (c) => {
    const raw = await c.req.text();
    const id = c.req.header('svix-id');
    const event = withoutNul(verifyResend(c.get('deps'), { id, timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') }, raw));
    // A verified body is still input: without a string `type` there is no event to store (topic is NOT NULL).
    if (!isObject(event) || typeof event.type !== 'string') throw Invalid('The body is not a Resend event');
    const status = await receiveResend(c.get('deps'), id!, event);
    // An inbound reply was queued for reading: no need to wait for the next tick.
    if (status === 'applied' && event.type === 'email.received') c.get('deps').wake();
    return c.json({ ok: true, status });
  })
  .post('/webhooks/twilio/status', doc('Webhooks in', 'signature', 'Twilio delivery status (X-Twilio-Signature).'), async (c) => {
    const params = await twilioParams(await c.req.text());
    verifyTwilio(c.get('deps'), c.req.header('x-twilio-signature'), pathAndQuery(c.req.url), params);
    return c.json({ ok: true, status: await receiveTwilioStatus(c.get('deps'), withoutNul(params)) });
  })
  .post('/webhooks/twilio/inbound', doc('Webhooks in', 'signature', 'Twilio inbound SMS: STOP/START/HELP; any other reply is read by intent and acted on. Answers TwiML.', { 200: { description: 'TwiML' } }), async (c) => {
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

/** A signed body as a JSON object without U+0000, or 400: signed is not well-formed, and `null` or an array would reach a NOT NULL column or a topic handler. */
function jsonObject(raw: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = withoutNul(JSON.parse(raw));
  } catch {
    throw Invalid('The body is not JSON');
  }
  if (!isObject(payload)) throw Invalid('The body is not a JSON object');
  return payload;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const twilioParams = (form: string): TwilioParams => Object.fromEntries(new URLSearchParams(form));

const pathAndQuery = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};
