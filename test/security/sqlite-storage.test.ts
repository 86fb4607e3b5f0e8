import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteWriter } from '../../db/index.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * What is about the SQLite file itself: a full disk (max_page_count) and an
 * old file's migrations. SQLite-only (vite.config.ts SQLITE_ONLY).
 */
let t: TestEnv;
afterEach(() => t.cleanup());

describe('a full disk', () => {
  it('answers 503 in the error shape (not 500), /health says the database cannot be written, and both recover', async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
    const shop = await shopWithVariant(t);
    // The writer's connection: max_page_count holds per connection, and every write goes through that one.
    const sqlite = sqliteWriter(t.deps.db);
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${pages}`);
    // Writes fit in the pages' free space until they do not; none of them is a 500.
    const statuses: number[] = [];
    let full;
    for (let i = 0; i < 500 && !full; i++) {
      const res = await shop.signup({ email: `full${i}@example.com` });
      statuses.push(res.status);
      if (res.status === 503) full = res;
    }
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(full?.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    expect(full?.headers.get('retry-after')).toMatch(/^\d+$/);
    const health = await t.call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ ok: false, database: { writable: false } });

    sqlite.pragma(`max_page_count = ${pages + 10_000}`);
    const healthy = await t.call('GET', '/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ ok: true, database: { writable: true } });
    expect((await shop.signup({ email: 'after@example.com' })).status).toBe(201);
    // The probe stored nothing.
    expect(sqlite.prepare(`select count(*) as n from kv where key like 'health%'`).get()).toEqual({ n: 0 });
  });
});

describe('a Shopify domain on an old SQLite file', () => {
  it('an older database with a domain on several shops keeps it on the oldest when it migrates (0010)', async () => {
    t = await setup();
    const MIGRATIONS = new URL('../../db/migrations', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'waitline-migrate-'));
    try {
      cpSync(MIGRATIONS, join(dir, 'before'), { recursive: true });
      const journalPath = join(dir, 'before/meta/_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
      journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0010');
      writeFileSync(journalPath, JSON.stringify(journal));
      const sqlite = new Database(join(dir, 'old.db'));
      migrate(drizzle(sqlite), { migrationsFolder: join(dir, 'before') });
      const settings = (domain: string) => JSON.stringify({ locale: 'en', shopify: { domain, webhookSecret: 'shhh-secret' } });
      sqlite
        .prepare(
          `insert into shops (id, name, publishable_key, secret_key_hash, shopify_domain, settings, created_at) values
           ('s_new', 'Newest', 'pk_1', 'h1', 'dup.myshopify.com', ?, 300), ('s_old', 'Oldest', 'pk_2', 'h2', 'dup.myshopify.com', ?, 100),
           ('s_mid', 'Middle', 'pk_3', 'h3', 'dup.myshopify.com', ?, 200), ('s_own', 'Own', 'pk_4', 'h4', 'own.myshopify.com', ?, 400),
           ('s_none', 'None', 'pk_5', 'h5', null, '{}', 500)`,
        )
        .run(settings('dup.myshopify.com'), settings('dup.myshopify.com'), settings('dup.myshopify.com'), settings('own.myshopify.com'));
      migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
      const rows = sqlite.prepare(`select id, shopify_domain as domain, json_extract(settings, '$.shopify.domain') as setting from shops order by created_at`).all();
      expect(rows).toEqual([
        { id: 's_old', domain: 'dup.myshopify.com', setting: 'dup.myshopify.com' },
        { id: 's_mid', domain: null, setting: null },
        { id: 's_new', domain: null, setting: null },
        { id: 's_own', domain: 'own.myshopify.com', setting: 'own.myshopify.com' },
        { id: 's_none', domain: null, setting: null },
      ]);
      expect(() => sqlite.prepare(`update shops set shopify_domain = 'dup.myshopify.com' where id = 's_own'`).run()).toThrow(/UNIQUE/);
      sqlite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
