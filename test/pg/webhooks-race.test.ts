import { eq, ne, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookDeliveries } from '../../db/schema/index.ts';
import { createWebhookSender, PER_SHOP } from '../../server/jobs/webhook-sender.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { localEndpoint, type LocalEndpoint } from '../net/helpers.ts';
import { startReplicas, type Fleet } from './replicas.ts';

/**
 * Three replicas, each with its own pool and webhook sender, pumping one
 * PostgreSQL database at once against a slow endpoint. Each event is POSTed
 * exactly once, and a shop never has more than PER_SHOP deliveries in flight
 * across the fleet: the count is taken under the shop's claim lock, not per
 * process. (Rows claimed with SKIP LOCKED but counted without that lock: one
 * shop had 3 requests open at once here.)
 */

const REPLICAS = 3;
const EVENTS_PER_SHOP = 8;
const ENDPOINT_MS = 150;
const SECRET = `whsec_${Buffer.from('a merchant endpoint secret!!').toString('base64')}`;

let t: TestEnv;
let fleet: Fleet;
let slow: LocalEndpoint;
/** Requests open at the endpoint per path (one path per shop), and the most seen at once. */
const open = new Map<string, number>();
const mostOpen = new Map<string, number>();

beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' }, { engine: 'pg' });
  open.clear();
  mostOpen.clear();
  slow = await localEndpoint((req, res) => {
    const path = req.url ?? '';
    open.set(path, (open.get(path) ?? 0) + 1);
    mostOpen.set(path, Math.max(mostOpen.get(path) ?? 0, open.get(path)!));
    setTimeout(() => {
      open.set(path, open.get(path)! - 1);
      res.writeHead(204).end();
    }, ENDPOINT_MS);
  });
  fleet = await startReplicas(t, REPLICAS);
});
afterEach(async () => {
  await fleet?.close();
  await t?.cleanup();
  await slow?.close();
});

const hooks = (path: string) => ({ webhooks: { url: `http://127.0.0.1:${slow.port}${path}`, secret: SECRET, events: ['signup.created'] } });
const undelivered = async () =>
  (await t.deps.db.select({ n: sql<number>`count(*)` }).from(webhookDeliveries).where(ne(webhookDeliveries.status, 'delivered')))[0]!.n;

describe('outbound webhooks across replicas', () => {
  it(`3 replicas pumping at once: each event delivered exactly once, never more than ${PER_SHOP} of one shop in flight`, async () => {
    for (const path of ['/a', '/b']) {
      const shop = await shopWithVariant(t);
      await shop.admin('PATCH', '/v1/admin/settings', hooks(path));
      for (let i = 0; i < EVENTS_PER_SHOP; i++) expect((await shop.signup({ email: `${path.slice(1)}${i}@example.com` })).status).toBe(201);
    }
    expect(await undelivered()).toBe(2 * EVENTS_PER_SHOP);

    const senders = fleet.replicas.map((deps) => createWebhookSender(deps));
    // Every replica claims again as soon as its last claim is done, as a busy fleet would: their claims overlap all the time.
    let done = false;
    const pumping = senders.map(async (s) => {
      while (!done) await s.pump();
    });
    const until = performance.now() + 20_000;
    while ((await undelivered()) > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    done = true;
    await Promise.all(pumping);
    await Promise.all(senders.map((s) => s.idle()));

    const ids = slow.requests.map((r) => r.body && JSON.parse(r.body).data.contact.email);
    expect(ids).toHaveLength(2 * EVENTS_PER_SHOP);
    expect(new Set(ids).size).toBe(2 * EVENTS_PER_SHOP);
    expect(await undelivered()).toBe(0);
    expect(Object.fromEntries(mostOpen)).toEqual({ '/a': PER_SHOP, '/b': PER_SHOP });
    const attempts = await t.deps.db.select({ n: webhookDeliveries.attempts }).from(webhookDeliveries).where(eq(webhookDeliveries.status, 'delivered'));
    expect(attempts.every((a) => a.n === 1)).toBe(true);
  }, 40_000);
});
