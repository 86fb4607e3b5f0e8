import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
let server: Server;
let received: Array<{ headers: Record<string, string>; body: string }>;
let failing = 0;
const SECRET = `whsec_${Buffer.from('a merchant endpoint secret!!').toString('base64')}`;

beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
  received = [];
  failing = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(failing-- > 0 ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await t.cleanup();
  await new Promise<void>((r) => server.close(() => r()));
});

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/waitline`;
const events = () => received.map((r) => JSON.parse(r.body).type);

it('signs every subscribed event Standard Webhooks style, in order, retries failures and logs deliveries', async () => {
  const shop = await shopWithVariant(t, { price: 2500 }, { holdDuration: 'PT1H' });
  const patch = await shop.admin('PATCH', '/v1/admin/settings', {
    webhooks: { url: url(), secret: SECRET, events: ['signup.created', 'offer.created', 'offer.expired', 'signup.purchased', 'escalation.created'] },
  });
  expect(patch.body.settings.webhooks.secret).toBe('********');

  await shop.signup({ email: 'a@example.com' });
  const b = (await shop.signup({ email: 'b@example.com' })).body.signup.token;
  await runJobs(t);
  expect(events()).toEqual(['signup.created', 'signup.created']);
  // The receiver's check: the signature over id.timestamp.body with the shared secret
  // (the timestamp is the test clock's, so the library's 5-minute window cannot apply here).
  // Two deliveries of a shop run at once, so arrival order is not promised: find a's.
  const first = received.find((r) => JSON.parse(r.body).data.contact.email === 'a@example.com')!;
  const expected = new Webhook(SECRET).sign(first.headers['webhook-id']!, new Date(Number(first.headers['webhook-timestamp']) * 1000), first.body);
  expect(first.headers['webhook-signature']).toBe(expected);
  expect(JSON.parse(first.body).data).toMatchObject({ signup: { position: 1 }, contact: { email: 'a@example.com' } });

  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await runJobs(t);
  expect(events().slice(2)).toEqual(['offer.created']);
  t.clock.advance(3600_000);
  await runJobs(t);
  expect(events().slice(3).sort()).toEqual(['offer.created', 'offer.expired']);

  // The endpoint fails once: the event waits its backoff, then goes; nothing is sent twice.
  failing = 1;
  const holdToken = (await t.call('GET', `/v1/storefront/signups/${b}`)).body.signup.offer.claimUrl.split('/').pop();
  await shop.admin('POST', '/v1/admin/orders', { id: 'o1', email: 'b@example.com', currency: 'USD', total: 60_000, lineItems: [{ variantId: '4401', quantity: 1, price: 60_000 }], holdToken });
  await runJobs(t);
  expect(events().slice(5)).toEqual(['signup.purchased']);
  t.clock.advance(1000);
  await runJobs(t);
  expect(events().slice(5)).toEqual(['signup.purchased', 'signup.purchased']);
  expect(received[5]!.headers['webhook-id']).toBe(received[6]!.headers['webhook-id']);

  const log = (await shop.admin('GET', '/v1/admin/webhooks/deliveries')).body.deliveries;
  expect(log[0]).toMatchObject({ event: 'signup.purchased', status: 'delivered', attempts: 2, lastStatus: 200 });
  expect(log.every((d: { status: string }) => d.status === 'delivered')).toBe(true);
  const other = await t.createShop('Other');
  expect((await other.admin('GET', '/v1/admin/webhooks/deliveries')).body.deliveries).toEqual([]);
});

it('sends only the events a shop subscribed to, and refuses a bad endpoint config', async () => {
  const shop = await shopWithVariant(t);
  expect((await shop.admin('PATCH', '/v1/admin/settings', { webhooks: { url: url(), secret: 'not-a-secret', events: ['offer.created'] } })).status).toBe(400);
  expect((await shop.admin('PATCH', '/v1/admin/settings', { webhooks: { url: url(), secret: SECRET, events: ['order.made'] } })).status).toBe(400);
  await shop.admin('PATCH', '/v1/admin/settings', { webhooks: { url: url(), secret: SECRET, events: ['offer.created'] } });
  await shop.signup({ email: 'a@example.com' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await runJobs(t);
  expect(events()).toEqual(['offer.created']);
});
