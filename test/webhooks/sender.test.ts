import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offers } from '../../db/schema/index.ts';
import { createScheduler } from '../../server/jobs/scheduler.ts';
import { deliverWebhooks, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { localEndpoint, type LocalEndpoint } from '../net/helpers.ts';

const SECRET = `whsec_${Buffer.from('a merchant endpoint secret!!').toString('base64')}`;
const hooks = (url: string) => ({ webhooks: { url, secret: SECRET, events: ['signup.created'] } });
const at = (e: LocalEndpoint, path = '/hook') => `http://127.0.0.1:${e.port}${path}`;

let t: TestEnv;
const endpoints: LocalEndpoint[] = [];
const endpoint = async (...args: Parameters<typeof localEndpoint>) => {
  const e = await localEndpoint(...args);
  endpoints.push(e);
  return e;
};
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
});
afterEach(async () => {
  await t.cleanup();
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

const deliveries = async (shop: { admin: (m: string, p: string) => Promise<{ body: any }> }) => (await shop.admin('GET', '/v1/admin/webhooks/deliveries')).body;

describe('the webhook sender', () => {
  it("one shop's silent endpoint holds neither another shop's hold expiry nor its webhooks; it times out after 5 s", async () => {
    const silent = await endpoint(() => {}); // reads the request, never answers
    const working = await endpoint((_req, res) => res.writeHead(204).end());
    const b = await shopWithVariant(t, {}, { holdDuration: 'PT1H' });
    await b.admin('PATCH', '/v1/admin/settings', hooks(at(working)));
    await b.signup({ email: 'waiting@example.com' });
    await b.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const a = await t.createShop('Slow Shop');
    await a.admin('PUT', '/v1/admin/variants/9', { title: 'Tee', inventory: 0 });
    await a.admin('PATCH', '/v1/admin/settings', hooks(at(silent)));
    // Shop A's events are due before B's hold expires.
    for (const email of ['a1@example.com', 'a2@example.com', 'a3@example.com']) {
      await t.call('POST', '/v1/storefront/signups', { body: { key: a.pk, variantId: '9', email } });
    }
    t.clock.advance(3600_000);

    const started = performance.now();
    const scheduler = createScheduler(t.deps);
    const tick = scheduler.tick();
    await Promise.race([tick, new Promise((r) => setTimeout(r, 2000))]);
    expect((await t.deps.db.select().from(offers).where(eq(offers.shopId, b.id)))[0]?.status).toBe('expired');
    await tick;
    // The tick did not wait for A's endpoint (that takes its full 5 s).
    expect(performance.now() - started).toBeLessThan(4000);
    // B's own endpoint is served meanwhile; A holds two slots, its third event waits its turn.
    for (let i = 0; i < 100 && working.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect((await deliveries(b)).deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered']);
    expect(silent.connections).toBe(2);

    await scheduler.stop();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(4900);
    expect(elapsed).toBeLessThan(9000);
    const log = (await deliveries(a)).deliveries;
    expect(log.filter((d: { lastError: string | null }) => d.lastError === 'timed out')).toHaveLength(2);
    expect(log.every((d: { status: string }) => d.status === 'pending')).toBe(true);
  }, 20_000);

  it('backs off, pauses an endpoint that keeps failing for an hour, and resumes when the merchant saves it again', async () => {
    let answer = 500;
    const flaky = await endpoint((_req, res) => res.writeHead(answer).end('Traceback: db password is hunter2'));
    const shop = await shopWithVariant(t);
    await shop.admin('PATCH', '/v1/admin/settings', hooks(at(flaky)));
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com' });
    await deliverWebhooks(t);
    expect(flaky.requests).toHaveLength(2);
    t.clock.advance(999);
    await deliverWebhooks(t);
    expect(flaky.requests).toHaveLength(2);
    t.clock.advance(1);
    await deliverWebhooks(t);
    expect(flaky.requests).toHaveLength(4);
    for (let i = 0; i < 8; i++) {
      t.clock.advance(64_000);
      await deliverWebhooks(t);
    }
    // Each event had its 8 attempts; 16 failures in two minutes is an outage, not yet a broken endpoint.
    let body = await deliveries(shop);
    expect(flaky.requests).toHaveLength(16);
    expect(body.deliveries.map((d: { status: string }) => d.status)).toEqual(['failed', 'failed']);
    expect(body.endpoints[0]).toMatchObject({ channel: 'webhooks', status: 'active', failures: 16, lastError: 'answered 500' });

    t.clock.advance(3600_000);
    await shop.signup({ email: 'c@example.com' });
    await deliverWebhooks(t);
    expect(flaky.requests).toHaveLength(17);
    expect(t.logs.some((l) => l.startsWith('webhook endpoint disabled'))).toBe(true);
    await shop.signup({ email: 'd@example.com' });
    t.clock.advance(3600_000);
    await runJobs(t);
    expect(flaky.requests).toHaveLength(17);
    body = await deliveries(shop);
    expect(body.endpoints[0]).toMatchObject({ status: 'disabled', disabledAt: expect.any(String), lastError: 'answered 500' });
    expect(body.deliveries.slice(0, 2).map((d: { status: string }) => d.status)).toEqual(['pending', 'pending']);
    expect(JSON.stringify(body)).not.toContain('hunter2');

    answer = 200;
    expect((await shop.admin('PATCH', '/v1/admin/settings', { webhooks: { url: at(flaky), secret: '********', events: ['signup.created'] } })).status).toBe(200);
    await runJobs(t);
    expect(flaky.requests).toHaveLength(19);
    body = await deliveries(shop);
    expect(body.endpoints[0]).toMatchObject({ status: 'active', failures: 0, disabledAt: null });
    expect(body.deliveries.slice(0, 2).map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('does not follow a redirect, and logs failures in generic words', async () => {
    const target = await endpoint((_req, res) => res.writeHead(200).end());
    const redirecting = await endpoint((_req, res) => res.writeHead(302, { location: at(target, '/elsewhere') }).end('moved to the admin panel'));
    const closed = await endpoint(() => {});
    const closedUrl = at(closed);
    await closed.close();
    const shop = await shopWithVariant(t);
    await shop.admin('PATCH', '/v1/admin/settings', hooks(at(redirecting)));
    await shop.signup({ email: 'a@example.com' });
    await runJobs(t);
    expect(target.connections).toBe(0);
    expect((await deliveries(shop)).deliveries[0]).toMatchObject({ status: 'pending', lastStatus: 302, lastError: 'redirects are not followed' });
    expect(JSON.stringify(await deliveries(shop))).not.toContain('admin panel');
    await shop.admin('PATCH', '/v1/admin/settings', hooks(closedUrl));
    await shop.signup({ email: 'b@example.com' });
    await runJobs(t);
    // Saving the new URL retries the waiting event there too.
    const log = (await deliveries(shop)).deliveries;
    expect(log.map((d: { lastStatus: number | null; lastError: string }) => [d.lastStatus, d.lastError])).toEqual([
      [null, 'connection refused'],
      [null, 'connection refused'],
    ]);
  });

  it('two processes on one database never deliver the same event twice', async () => {
    const slow = await endpoint((_req, res) => setTimeout(() => res.writeHead(200).end(), 100));
    const shop = await shopWithVariant(t);
    await shop.admin('PATCH', '/v1/admin/settings', hooks(at(slow)));
    for (const e of ['a', 'b', 'c', 'd', 'e']) await shop.signup({ email: `${e}@example.com` });
    const { createDeps } = await import('../../server/deps.ts');
    const other = await createDeps(t.config, { clock: t.clock, log: () => {} });
    const { createWebhookSender } = await import('../../server/jobs/webhook-sender.ts');
    const senders = [createWebhookSender(t.deps), createWebhookSender(other)];
    for (const s of senders) void s.pump(); // both at once; idle() waits for the claiming too
    await Promise.all(senders.map((s) => s.idle()));
    await other.close();
    const ids = slow.requests.map((r) => JSON.parse(r.body).data.contact.email).sort();
    expect(ids).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com']);
  });
});
