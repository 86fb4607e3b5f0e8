import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, killed, serverEnv, startServer } from '../child-server.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * Two processes on one SQLite file, as two replicas behind a load balancer:
 * this one (in-process app) and a real server in a child process. Each keeps
 * its own config cache; a commit by either shows in the other's very next answer.
 */
let t: TestEnv;
let child: ChildProcess | undefined;
let other: ReturnType<typeof client>;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
  shop = await shopWithVariant(t);
  await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', mode: 'waitlist', inventory: 0 });
  for (const email of ['a@example.com', 'b@example.com']) expect((await shop.signup({ email })).status).toBe(201);
  // No provider: the child's confirmations stay in its outbox.
  const env = await serverEnv(t.config.dbPath, 'http://127.0.0.1:9', { RESEND_API_KEY: '' });
  child = await startServer(env);
  other = client(env);
}, 60_000);
afterAll(async () => {
  if (child) await killed(child);
  await t?.cleanup();
});

const here = async (variantId: string) => (await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=${variantId}`)).body.variants[variantId];
const there = async (variantId: string) => (await other.api(`/v1/storefront/config?key=${shop.pk}&variants=${variantId}`)).body.variants[variantId];

describe('the config cache across processes on one database', () => {
  it('a hold the other process makes shows in this one\'s very next answer', async () => {
    expect(await here('4401')).toMatchObject({ available: 0, queueLength: 2 });
    expect(await here('4401')).toMatchObject({ available: 0, queueLength: 2 }); // cached
    const restock = await other.api('/v1/admin/variants/4401/inventory', { method: 'POST', token: shop.sk, body: { available: 3 } });
    expect(restock.body.allocation).toMatchObject({ unitsHeld: 2 });
    expect(await here('4401')).toMatchObject({ available: 1, queueLength: 0 });
  });

  it("a signup here shows in the other's very next answer", async () => {
    expect(await there('4402')).toMatchObject({ queueLength: 0 });
    expect(await there('4402')).toMatchObject({ queueLength: 0 }); // cached
    expect((await shop.signup({ email: 'c@example.com', variantId: '4402' })).status).toBe(201);
    expect(await there('4402')).toMatchObject({ queueLength: 1 });
  });
});
