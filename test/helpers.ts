import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { first } from '../db/raw.ts';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { createTestClock } from '../server/lib/clock.ts';
import { dispatchMessages } from '../server/services/messages/dispatch.ts';
import { TEST_SECRET_KEY } from './child-server.ts';
import { freshPgDatabase } from './pg/database.ts';

export const ROOT_TOKEN = 'root-token-for-tests';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The engine this run's services test on: the vitest project `services-pg` sets `WAITLINE_TEST_ENGINE=pg`. */
export const testEngine = (): 'sqlite' | 'pg' => (process.env.WAITLINE_TEST_ENGINE === 'pg' ? 'pg' : 'sqlite');

/**
 * A fresh app on its own migrated database: a SQLite file, or under the
 * `services-pg` project a PostgreSQL database copied from the run's migrated
 * template (test/pg/database.ts). A clock that only moves when told, and the
 * outbox transports unless the env names a provider.
 */
export async function setup(env: Record<string, string> = {}, options: { engine?: 'sqlite' | 'pg' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-test-'));
  const pg = (options.engine ?? testEngine()) === 'pg' && !env.WAITLINE_DB && !env.DATABASE_URL ? await freshPgDatabase() : null;
  const config = loadConfig({
    WAITLINE_DB: join(dir, 'waitline.db'),
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    WAITLINE_ADMIN_TOKEN: ROOT_TOKEN,
    WAITLINE_SECRET_KEY: TEST_SECRET_KEY,
    PUBLIC_URL: 'https://waitline.test',
    WAITLINE_TRUST_PROXY: '1',
    // The test clock moves only when told: a new dispatcher sends at once.
    WAITLINE_LEADER_TAKEOVER_MS: '0',
    ...env,
  });
  const clock = createTestClock('2026-03-02T12:00:00Z');
  const logs: string[] = [];
  const deps = await createDeps(config, { clock, log: (m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`) });
  // Tests never reach past this machine: no name resolves (a test injects its own answers), only 127/8 is dialled.
  deps.net = {
    resolve: async () => {
      throw Object.assign(new Error('tests resolve no names'), { code: 'ENOTFOUND' });
    },
    connect: (to) => {
      if (!to.host.startsWith('127.')) throw new Error(`tests dial nothing outside 127.0.0.0/8 (${to.host})`);
      return createConnection(to);
    },
  };
  const app = createApp(deps);

  async function call<T = any>(method: string, path: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, body, headers });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // pages and scripts stay text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  async function createShop(name = 'Acme Goods', settings: Record<string, unknown> = {}) {
    const res = await call('POST', '/v1/shops', { body: { name, settings }, headers: { authorization: `Bearer ${ROOT_TOKEN}` } });
    if (res.status !== 201) throw new Error(`createShop: ${res.status} ${JSON.stringify(res.body)}`);
    const { publishableKey: pk, secretKey: sk, shop } = res.body;
    const admin = (method: string, path: string, body?: unknown) =>
      call(method, path, { body, headers: { authorization: `Bearer ${sk}` } });
    return { pk: pk as string, sk: sk as string, id: shop.id as string, admin };
  }

  return {
    app,
    deps,
    clock,
    config,
    logs,
    call,
    createShop,
    dispatch: () => dispatchMessages(deps),
    async cleanup() {
      await deps.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestEnv = Awaited<ReturnType<typeof setup>>;

/** A shop with one sold-out waitlist variant, ready for signups. */
export async function shopWithVariant(t: TestEnv, variant: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  const shop = await t.createShop('Acme Goods', { allowedOrigins: ['https://acme.example'], ...settings });
  const res = await shop.admin('PUT', '/v1/admin/variants/4401', {
    productTitle: 'Ocean Tee',
    title: 'S',
    mode: 'waitlist',
    inventory: 0,
    price: 2500,
    currency: 'USD',
    ...variant,
  });
  if (res.status !== 201) throw new Error(`variant: ${res.status} ${JSON.stringify(res.body)}`);
  const signup = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '4401', ...body }, headers });
  return { ...shop, signup };
}

/** Row counts of the tables a rejected request must not touch. */
export async function rowCounts(t: TestEnv) {
  const count = async (table: string) => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from ${sql.identifier(table)}`))!.n;
  return { signups: await count('signups'), contacts: await count('contacts'), messages: await count('messages'), jobs: await count('jobs') };
}

/** Runs every due job with the real handlers, then delivers the due webhooks, as the scheduler would. */
export async function runJobs(t: TestEnv) {
  const { runDueJobs } = await import('../server/jobs/queue.ts');
  const { jobHandlers } = await import('../server/jobs/handlers.ts');
  const ran = await runDueJobs(t.deps, jobHandlers);
  await deliverWebhooks(t);
  return ran;
}

/** Delivers every webhook due now through the out-of-loop sender, and waits for them. */
export async function deliverWebhooks(t: TestEnv) {
  const { createWebhookSender } = await import('../server/jobs/webhook-sender.ts');
  const sender = createWebhookSender(t.deps);
  await sender.pump();
  await sender.idle();
}

/** Every message, oldest first, as it is or will be sent: rows not yet dispatched are rendered for reading (not stored). */
export async function allMessages(t: TestEnv) {
  const { messages } = await import('../db/schema/index.ts');
  const { renderRows } = await import('../server/services/messages/render.ts');
  const rows = await t.deps.db.select().from(messages).orderBy(messages.id);
  const { rendered, failed } = await renderRows(t.deps.db, t.deps, rows, { store: false });
  if (failed.length) throw new Error(failed.map((f) => f.error).join('; '));
  // Tests read fields freely; the shape is the messages table's.
  return rendered as Array<Record<string, any>>;
}
