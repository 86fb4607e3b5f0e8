import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import twilio from 'twilio';
import { expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { runJobs, type TestEnv } from '../helpers.ts';
import { shopifySign, svixHeaders, TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';
import { fuzz, requestCounts, share, type Req } from './harness.ts';
import { bodyFor, contentType, hostileString, hostileValue } from './inputs.ts';
import { fuzzSuite, SHOP_DOMAIN, type Shop } from './world.ts';

/**
 * Webhooks are the one door open to the internet without a key. Unsigned or
 * badly signed deliveries must be 401 and store nothing (fire() checks the
 * rows); signed ones with hostile payloads must be taken or refused, never a 5xx.
 */
let t: TestEnv;
let shop: Shop;
fuzzSuite('webhooks', { domain: SHOP_DOMAIN }, (env, populated) => ([t, shop] = [env, populated]));

const short = hostileString.filter((s) => s.length < 300);
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
/** Headers are ASCII on the wire; a value is either missing, hostile, or the real one, sometimes twice. */
const header = (name: string, good: string | undefined) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(good === undefined ? [] : [[name, good]]) },
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: short.map((v) => [[name, headerSafe(v)]]) },
    { weight: 1, arbitrary: fc.constant(good === undefined ? [] : [[name, good], [name, good]]) },
  ) as fc.Arbitrary<Array<[string, string]>>;

const shopifyExample = { inventory_item_id: 46012345678901, location_id: 1, available: 3, id: 1, line_items: [{ variant_id: 4401, quantity: 1, price: '25.00' }], variants: [{ id: 4401, title: 'S' }] };

it('POST /webhooks/shopify: any headers and bodies, signed or not', async () => {
  const arb = fc
    .record({ body: bodyFor(shopifyExample).map((b) => b ?? ''), sign: fc.constantFrom('good', 'good', 'good', 'bad', 'none'), topic: fc.oneof(fc.constantFrom('inventory_levels/update', 'orders/create', 'orders/cancelled', 'products/update'), short), id: fc.uuid() })
    .chain(({ body, sign, topic, id }) =>
      fc.tuple(header('x-shopify-shop-domain', SHOP_DOMAIN), header('x-shopify-topic', headerSafe(topic)), header('x-shopify-webhook-id', id), contentType).map(
        ([domain, topicH, idH, type]): Req => ({
          method: 'POST',
          path: '/webhooks/shopify',
          body,
          headers: [
            ...domain,
            ...topicH,
            ...idH,
            ...(type ? ([['content-type', type]] as Array<[string, string]>) : []),
            ...(sign === 'none' ? [] : ([['x-shopify-hmac-sha256', sign === 'good' ? shopifySign(body) : shopifySign(`${body} `)]] as Array<[string, string]>)),
          ],
        }),
      ),
    );
  await fuzz(t, 'webhooks', share(1000), arb, (req, answer) => {
    if (!req.headers!.some(([n]) => n === 'x-shopify-hmac-sha256') || req.headers!.some(([n, v]) => n === 'x-shopify-hmac-sha256' && v !== shopifySign(req.body!))) expect(answer.status).toBe(401);
  });
  // What was taken is worked by a job: a hostile payload must be dealt with there too, not left failing and retrying.
  await runJobs(t);
  const stuck = await rows(
    t.deps.db,
    sql`select j.status, j.last_error as error, e.topic, substr(cast(e.payload as text), 1, 300) as payload from jobs j join webhook_events e on j.key = 'shopify:' || e.id where j.kind = 'shopify.webhook' and j.status != 'done'`,
  );
  expect(stuck).toEqual([]);
});

it('POST /webhooks/resend: any svix headers and bodies, signed or not', async () => {
  const example = { type: 'email.opened', created_at: '2026-03-02T12:00:00Z', data: { email_id: 'abc', to: ['a@example.com'] } };
  const arb = fc.record({ body: bodyFor(example).map((b) => b ?? ''), sign: fc.constantFrom('good', 'good', 'stale', 'bad', 'none'), id: fc.oneof(fc.uuid().map((u) => `msg_${u}`), short.map(headerSafe)), dup: fc.boolean() }).map(
    ({ body, sign, id, dup }): Req => {
      const at = sign === 'stale' ? new Date(Date.now() - 3600_000) : new Date();
      const svix = svixHeaders(body, id, at);
      if (sign === 'bad') svix['svix-signature'] = svixHeaders(`${body}x`, id, at)['svix-signature']!;
      const headers = Object.entries(svix).filter(([n]) => sign !== 'none' || n !== 'svix-signature');
      return { method: 'POST', path: '/webhooks/resend', body, headers: dup ? [...headers, ['svix-id', 'msg_other']] : headers };
    },
  );
  await fuzz(t, 'webhooks', share(800), arb);
});

/** Twilio signs PUBLIC_URL + path + query over the sorted form params. */
function twilioReq(path: string, params: Record<string, string>, sign: string, type: string | undefined): Req {
  const body = new URLSearchParams(params).toString();
  const good = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}${path}`, params);
  const signature = sign === 'good' ? good : sign === 'bad' ? `${good.slice(0, -2)}AA` : undefined;
  return { method: 'POST', path, body, headers: [...(type ? ([['content-type', type]] as Array<[string, string]>) : []), ...(signature ? ([['x-twilio-signature', signature]] as Array<[string, string]>) : [])] };
}

it('POST /webhooks/twilio/status and /inbound: any form, signed or not', async () => {
  const param = fc.oneof(fc.constantFrom('STOP', 'START', 'HELP', 'help!', 'this is awful, refund me now', '+14155550123', 'delivered', 'undelivered', '21610', 'SM11111111111111111111111111111111'), hostileValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))));
  const params = fc.dictionary(fc.oneof(fc.constantFrom('From', 'To', 'Body', 'MessageSid', 'SmsSid', 'MessageStatus', 'ErrorCode', 'AccountSid'), short), param, { maxKeys: 8 });
  const arb = fc
    .record({
      path: fc.constantFrom('/webhooks/twilio/status', '/webhooks/twilio/inbound', '/webhooks/twilio/inbound?x=<script>'),
      params,
      sid: fc.uuid(),
      sign: fc.constantFrom('good', 'good', 'good', 'bad', 'none'),
      type: fc.constantFrom<string | undefined>('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', undefined, 'application/json', 'multipart/form-data'),
    })
    .map(({ path, params, sid, sign, type }) => twilioReq(path, { MessageSid: sid, From: '+14155550123', ...params }, sign, type));
  await fuzz(t, 'webhooks', share(1000), arb, (_req, answer) => {
    // TwiML is XML read by Twilio: whatever came in must not come back as markup.
    if (answer.type.includes('xml')) expect(answer.text).not.toMatch(/<(script|img|svg|a )/i);
  });
});

it('sent at least its share of requests', () => {
  expect(requestCounts().get('webhooks')).toBeGreaterThanOrEqual(share(2800));
});
