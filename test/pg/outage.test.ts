import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { messages } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { enqueueJob } from '../../server/jobs/queue.ts';
import { createScheduler } from '../../server/jobs/scheduler.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { freshPgDatabase, type FreshPgDatabase } from './database.ts';
import { pgProxy, type PgProxy } from './proxy.ts';

let database: FreshPgDatabase;
let proxy: PgProxy;
let t: TestEnv;
beforeEach(async () => {
  database = await freshPgDatabase();
  proxy = await pgProxy(Number(new URL(inject('pgUrl')).port));
  t = await setup({ DATABASE_URL: proxy.via(database.url), WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(async () => {
  await t.cleanup();
  await proxy.close();
  await database.drop();
});

const count = async (table: string) => Number((await database.db.$client.query(`select count(*) as n from ${table}`)).rows[0].n);

describe('PostgreSQL gone while serving', () => {
  it('answers 503 in the error shape, loses nothing accepted, and serves again when it is back, without a restart', async () => {
    const shop = await shopWithVariant(t);
    expect((await shop.signup({ email: 'before@example.com' })).status).toBe(201);

    await proxy.cut();
    const during = await shop.signup({ email: 'during@example.com' });
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/database cannot be reached/) } });
    expect(during.headers.get('retry-after')).toBe('5');
    const admin = await shop.admin('GET', '/v1/admin/signups');
    expect(admin.status).toBe(503);

    await proxy.restore();
    expect((await shop.signup({ email: 'after@example.com' })).status).toBe(201);
    const list = await shop.admin('GET', '/v1/admin/signups');
    expect(list.status).toBe(200);
    expect(await count('signups')).toBe(2);
  });
});

describe('the connection killed in the middle of a restock', () => {
  it('rolls the restock back whole, and a retry gives the same offers as a restock that never failed', async () => {
    const offersAfterRestock = async (env: TestEnv, kill?: PgProxy) => {
      const shop = await shopWithVariant(env);
      for (let i = 0; i < 12; i++) expect((await shop.signup({ email: `w${i}@example.com`, quantity: 1 + (i % 3 === 0 ? 1 : 0) })).status).toBe(201);
      if (kill) {
        // Dropped as the restock writes its first offer: the transaction is open, some of it written.
        const dropped = kill.cutWhen('insert into offers');
        const failed = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 5 });
        await dropped;
        expect(failed.status).toBe(503);
        expect(await count('offers')).toBe(0);
        expect(await count('restocks')).toBe(0);
        expect(await count("messages where template like 'offer%'")).toBe(0);
      }
      const done = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 5 });
      expect(done.status).toBe(200);
      // Who holds an offer and who waits, in line order, as the admin sees it.
      const line = await shop.admin('GET', '/v1/admin/signups?variantId=4401&limit=100');
      return { restock: done.body, line: line.body };
    };
    const retried = await offersAfterRestock(t, proxy);
    const control = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
    try {
      const straight = await offersAfterRestock(control);
      expect(strip(retried)).toEqual(strip(straight));
    } finally {
      await control.cleanup();
    }
  });
});

describe('PostgreSQL gone while the scheduler runs', () => {
  it('logs each failed tick, keeps ticking, and catches up once the database is back, without a restart', async () => {
    const database = await freshPgDatabase();
    const proxy = await pgProxy(Number(new URL(inject('pgUrl')).port));
    const env = await setup({ DATABASE_URL: proxy.via(database.url), WAITLINE_RATE_PER_IP: '0', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
    try {
      const shop = await shopWithVariant(env);
      expect((await shop.signup({ email: 'a@example.com' })).status).toBe(201);
      let ran = 0;
      await transaction(env.deps.db, (tx) => enqueueJob(tx, { kind: 'count', key: 'c', runAt: env.clock.now() }, env.clock.now()));
      const scheduler = createScheduler(env.deps, { count: async () => void ran++ });

      await proxy.cut();
      await scheduler.tick(); // resolves: the failures are logged, not thrown
      await scheduler.tick();
      expect(ran).toBe(0);
      expect(env.logs.filter((l) => l.startsWith('scheduler: jobs failed')).length).toBeGreaterThanOrEqual(2);
      expect(env.logs.some((l) => l.startsWith('scheduler: sending failed'))).toBe(true);
      expect(env.logs.some((l) => l.startsWith('webhook sender: claiming failed'))).toBe(true);

      await proxy.restore();
      await scheduler.tick();
      expect(ran).toBe(1);
      expect((await env.deps.db.select({ status: messages.status }).from(messages)).map((m) => m.status)).toEqual(['sent']);
      await scheduler.stop();
    } finally {
      await env.cleanup();
      await proxy.close();
      await database.drop();
    }
  });
});

/** The queue as the admin sees it, without what differs between two databases (ids, tokens, times). */
function strip(body: unknown): unknown {
  // restockId too: a PostgreSQL sequence does not roll back, so the failed restock used up id 1.
  const differ = ['id', 'restockId', 'token', 'createdAt', 'updatedAt', 'expiresAt', 'offeredAt', 'signupId', 'offerId'];
  return JSON.parse(JSON.stringify(body), (key, value) => (differ.includes(key) ? undefined : value));
}
