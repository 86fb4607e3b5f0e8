import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { jobs, messages, webhookEvents } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { enqueueJob } from '../../server/jobs/queue.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startResendStub, type ResendStub } from '../stubs/resend-stub.ts';

const TOKEN = 'metrics-token-for-tests';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A series' value in the text format (`name{labels} value`), or undefined when it is not there. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics without WAITLINE_METRICS_TOKEN', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await setup();
  });
  afterAll(() => t.cleanup());

  it('is off: 404 in the error shape, even with a token', async () => {
    for (const headers of [{}, bearer(TOKEN), bearer('')]) {
      const res = await t.call('GET', '/metrics', { headers });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});

describe('GET /metrics with WAITLINE_METRICS_TOKEN', () => {
  let t: TestEnv;
  let resend: ResendStub;
  const scrape = async () => {
    const res = await t.call('GET', '/metrics', { headers: bearer(TOKEN) });
    expect(res.status).toBe(200);
    return res.body as string;
  };
  beforeAll(async () => {
    // Every request to this Resend is answered 429 (a rate of 0 a second), and our pacer is off.
    resend = await startResendStub({ rps: 0 });
    t = await setup({ WAITLINE_METRICS_TOKEN: TOKEN, RESEND_API_KEY: 're_metrics', RESEND_BASE_URL: resend.url, RESEND_RPS: '0', WAITLINE_RATE_PER_IP: '0' });
  });
  afterAll(async () => {
    await resend.close();
    await t.cleanup();
  });

  it.each([
    ['no Authorization', {}],
    ['a wrong token', bearer('not-the-token')],
    ['the token with one more character', bearer(`${TOKEN}x`)],
    ['the token as Basic', { authorization: `Basic ${TOKEN}` }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
  ])('answers 401 in the error shape for %s', async (_name, headers: Record<string, string>) => {
    const res = await t.call('GET', '/metrics', { headers });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('answers the text format with every metric, and no CORS header whatever the Origin', async () => {
    const res = await t.call('GET', '/metrics', { headers: { ...bearer(TOKEN), origin: 'https://acme.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    for (const name of [
      'waitline_http_requests_total',
      'waitline_http_request_duration_seconds',
      'waitline_signups_total',
      'waitline_messages',
      'waitline_messages_due',
      'waitline_jobs_pending',
      'waitline_job_lag_seconds',
      'waitline_provider_429_total',
      'waitline_webhook_age_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(res.body, name).toContain(`# TYPE ${name} `);
    }
    for (const status of ['queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'suppressed']) {
      expect(value(res.body as string, `waitline_messages{status="${status}"}`), status).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts a new signup (not a repeat), and the queued message it wrote; a 429 from Resend is counted once per answer', async () => {
    const before = await scrape();
    const shop = await shopWithVariant(t, {}, { sender: { email: 'shop@acme.example' } });
    expect((await shop.signup({ email: 'ann@example.com' })).status).toBe(201);
    expect((await shop.signup({ email: 'ann@example.com' })).status).toBe(200);
    const after = await scrape();
    const signups = (text: string) => value(text, 'waitline_signups_total{kind="waitlist"}') ?? 0;
    expect(signups(after) - signups(before)).toBe(1);

    const [queued] = await t.deps.db.select({ n: count() }).from(messages).where(eq(messages.status, 'queued'));
    expect(queued!.n).toBeGreaterThan(0);
    expect(value(after, 'waitline_messages{status="queued"}')).toBe(queued!.n);
    expect(value(after, 'waitline_messages_due{channel="email"}')).toBe(queued!.n);

    const throttled = (text: string) => value(text, 'waitline_provider_429_total{provider="resend"}');
    expect(throttled(after)).toBe(0);
    expect(value(after, 'waitline_provider_429_total{provider="twilio"}')).toBe(0);
    await t.dispatch();
    expect(resend.count429).toBeGreaterThan(0);
    expect(throttled(await scrape())).toBe(resend.count429);
  });

  it('reads pending jobs, the lag of the oldest due one, and the age of the last webhook per platform', async () => {
    const now = t.clock.now();
    await transaction(t.deps.db, async (tx) => {
      await enqueueJob(tx, { kind: 'metrics-probe', key: 'metrics-probe-1', runAt: now }, now);
      await tx.insert(webhookEvents).values({ source: 'shopify', deliveryId: 'd-1', topic: 'inventory_levels/update', payload: {}, receivedAt: now });
    });
    t.clock.advance(90_000);
    const text = await scrape();
    expect(value(text, 'waitline_jobs_pending{kind="metrics-probe"}')).toBe(1);
    expect(value(text, 'waitline_job_lag_seconds')).toBeGreaterThanOrEqual(90);
    expect(value(text, 'waitline_webhook_age_seconds{source="shopify"}')).toBe(90);
    expect(value(text, 'waitline_webhook_age_seconds{source="twilio"}')).toBeUndefined();

    // Run, the job leaves the gauge as a 0, not a vanished series.
    await transaction(t.deps.db, (tx) => tx.update(jobs).set({ status: 'done' }).where(eq(jobs.key, 'metrics-probe-1')));
    expect(value(await scrape(), 'waitline_jobs_pending{kind="metrics-probe"}')).toBe(0);
  });

  it('labels requests by route pattern: no token, query or address anywhere in the output', async () => {
    const shop = await shopWithVariant(t, {}, { sender: { email: 'shop@acme.example' } });
    const joined = await shop.signup({ email: 'bea@example.com' });
    const token = joined.body.signup.token as string;
    expect(token).toBeTruthy();
    await t.call('GET', `/s/${token}?x=secret-query-value`);
    await t.call('GET', `/v1/storefront/signups/${token}`, { headers: { origin: 'https://acme.example' } });
    await t.call('GET', '/no/such/path-with-secret-query-value');
    const text = await scrape();
    expect(text).toMatch(/waitline_http_requests_total\{method="GET",route="\/s\/:token",status="\dxx"\} \d+/);
    expect(text).toMatch(/waitline_http_requests_total\{method="GET",route="\/v1\/storefront\/signups\/:token",status="2xx"\} \d+/);
    expect(text).toMatch(/waitline_http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/s\/:token"\} \d+/);
    for (const secret of [token, 'secret-query-value', 'bea@example.com', shop.pk, shop.sk, TOKEN, '127.0.0.1']) {
      expect(text, secret).not.toContain(secret);
    }
  });
});
