import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobs } from '../../db/schema/index.ts';
import { reply } from '../replies/take-reply.ts';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;
const order = (shop: Shop, id: string, over: Record<string, unknown> = {}) =>
  shop.admin('POST', '/v1/admin/orders', {
    id,
    email: `${id}@example.com`,
    currency: 'USD',
    total: 2500,
    lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }],
    ...over,
  });
const open = async (shop: Shop) =>
  (await shop.admin('GET', '/v1/admin/escalations?status=open')).body.escalations.map((e: { kind: string; orderId: string | null }) => [e.kind, e.orderId]);
async function days(n: number) {
  for (let i = 0; i < n; i++) {
    t.clock.advance(DAY);
    await runJobs(t);
  }
}

describe('escalation triggers', () => {
  it('a backordered order above the value threshold, and an ETA beyond 30 days', async () => {
    const shop = await shopWithVariant(t, { inventory: 0, eta: { earliest: '2026-04-01', latest: '2026-04-20' } });
    await order(shop, 'big', { total: 60_000, lineItems: [{ variantId: '4401', quantity: 1, price: 60_000 }] });
    await order(shop, 'small');
    expect(await open(shop)).toEqual([
      ['eta_long', 'small'],
      ['order_value', 'big'],
      ['eta_long', 'big'],
    ]);
    // An order fully in stock is no case for a person, whatever its value.
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', inventory: 5 });
    await order(shop, 'instock', { total: 90_000, lineItems: [{ variantId: '4402', quantity: 1, price: 90_000 }] });
    expect(await open(shop)).toHaveLength(3);
  });

  it('an unhappy reply and a request for a call, tied to the customer\'s order', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'o1', { phone: '+14155550123' });
    const angry = await reply(t.deps, shop.id, 'sms', '+14155550123', 'This is ridiculous, three weeks and nothing. Terrible.');
    expect(angry!.sentiment).toBeLessThan(0);
    expect([angry!.intent, angry!.action]).toEqual(['angry', 'escalated']);
    const call = await reply(t.deps, shop.id, 'email', 'O1@example.com', 'Could someone call me about my order please?');
    expect([call!.intent, call!.action]).toEqual(['call', 'escalated']);
    const calm = await reply(t.deps, shop.id, 'email', 'o1@example.com', 'Thanks, happy to wait!');
    expect([calm!.intent, calm!.action]).toEqual(['thanks', 'recorded']);
    expect(await open(shop)).toEqual([
      ['call_request', 'o1'],
      ['negative_reply', 'o1'],
    ]);
    const [callRow] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(callRow.summary).toContain('Could someone call me about my order please?');
    expect(callRow.recommendedAction).toBe('Call +14155550123 today.');
  });

  it('a VIP has escalation.vipOrders orders before this one: the platform count includes the order itself', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'third', { ordersCount: 3 });
    await order(shop, 'fourth', { ordersCount: 4 });
    const acks = (await allMessages(t)).filter((m) => m.template === 'backorder-ack');
    const loyal = (to: string) => acks.find((m) => m.to === to)!.text.includes('Thank you for being a regular customer.');
    expect([loyal('third@example.com'), loyal('fourth@example.com')]).toEqual([false, true]);
  });

  it('a VIP at day 14 goes to a person, and the open escalation holds back the automated cancel offer', async () => {
    const shop = await shopWithVariant(t, { inventory: 0 });
    await order(shop, 'vip', { ordersCount: 4 });
    await order(shop, 'new');
    const ack = (await allMessages(t)).find((m) => m.to === 'vip@example.com')!;
    expect(ack.text).toContain('Thank you for being a regular customer.');
    expect((await allMessages(t)).find((m) => m.to === 'new@example.com')!.text).not.toContain('regular customer');
    await days(14);
    expect(await open(shop)).toEqual([['vip_day14', 'vip']]);
    const day14 = async (who: string) => (await allMessages(t)).find((m) => m.to === who && m.props.stage === 'cancel')!;
    const vip = await day14('vip@example.com');
    const regular = await day14('new@example.com');
    expect(regular.text).toMatch(/Cancel for a full refund/);
    expect(vip.subject).toBe('Still on its way: Ocean Tee – S');
    expect(vip.text).not.toMatch(/Cancel for a full refund/);
  });

  it('an open escalation pauses the cancel offer; resolved, the offer comes back', async () => {
    // A far ETA escalates each order; a large order would never get the offer (a person reviews its cancellation).
    const shop = await shopWithVariant(t, { inventory: 0, eta: { earliest: '2026-05-01', latest: '2026-05-20' } });
    await order(shop, 'paused', { total: 2_500, lineItems: [{ variantId: '4401', quantity: 1, price: 2_500 }] });
    await order(shop, 'resolved', { total: 2_500, lineItems: [{ variantId: '4401', quantity: 1, price: 2_500 }] });
    const list = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    const toResolve = list.find((e: { orderId: string }) => e.orderId === 'resolved');
    const resolved = await shop.admin('POST', `/v1/admin/escalations/${toResolve.id}/resolve`, { resolution: 'Called; happy to wait.' });
    expect(resolved.body.escalation).toMatchObject({ status: 'resolved', resolution: 'Called; happy to wait.' });
    await days(14);
    const cancelStage = async (who: string) => (await allMessages(t)).find((m) => m.to === who && m.props.stage === 'cancel')!;
    expect((await cancelStage('paused@example.com')).text).not.toMatch(/Cancel for a full refund/);
    expect((await cancelStage('resolved@example.com')).text).toMatch(/Cancel for a full refund/);
  });
});

describe('GET /v1/admin/escalations and resolve', () => {
  it('refuses bad input and never crosses shops', async () => {
    const a = await shopWithVariant(t, { inventory: 0 });
    await order(a, 'big', { total: 60_000, lineItems: [{ variantId: '4401', quantity: 1, price: 60_000 }] });
    const [escalation] = (await a.admin('GET', '/v1/admin/escalations')).body.escalations;
    const b = await t.createShop('Other');
    expect((await b.admin('GET', '/v1/admin/escalations')).body.escalations).toEqual([]);
    expect((await b.admin('POST', `/v1/admin/escalations/${escalation.id}/resolve`, {})).status).toBe(404);
    expect((await a.admin('POST', '/v1/admin/escalations/abc/resolve', {})).status).toBe(400);
    expect((await a.admin('POST', `/v1/admin/escalations/${escalation.id}/resolve`, { resolution: '<b>done</b>' })).status).toBe(400);
    expect((await a.admin('GET', '/v1/admin/escalations?status=maybe')).status).toBe(400);
    expect((await a.admin('GET', '/v1/admin/escalations?status=open')).body.escalations).toHaveLength(1);
  });
});

describe('escalation.created webhook', () => {
  let server: Server;
  let received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  let fail = 0;
  beforeEach(async () => {
    received = [];
    fail = 0;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(fail-- > 0 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('delivers a signed event a helpdesk can verify, retrying after a failure', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const secret = 'whsec_test_0123456789abcdef';
    const shop = await shopWithVariant(t, { inventory: 0 });
    expect((await shop.admin('PATCH', '/v1/admin/settings', { escalation: { webhookUrl: url } })).status).toBe(400);
    expect((await shop.admin('PATCH', '/v1/admin/settings', { escalation: { webhookUrl: url, webhookSecret: secret } })).status).toBe(200);
    fail = 1;
    await order(shop, 'big', { total: 60_000, lineItems: [{ variantId: '4401', quantity: 1, price: 60_000 }] });
    await runJobs(t);
    expect(received).toHaveLength(1);
    t.clock.advance(1000);
    await runJobs(t);
    expect(received).toHaveLength(2);
    const { headers, body } = received[1]!;
    const [, ts, sig] = String(headers['waitline-signature']).match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
    expect(sig).toBe(createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'));
    const event = JSON.parse(body);
    expect(event).toMatchObject({ type: 'escalation.created', shop: { id: shop.id }, escalation: { kind: 'order_value', orderId: 'big', status: 'open' } });
    expect(event.escalation.order).toMatchObject({ id: 'big', total: 60_000 });
    expect((await t.deps.db.select().from(jobs)).every((j) => j.status === 'done' || j.kind !== 'escalation.webhook')).toBe(true);
  });
});
