import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../server/lib/tokens.ts';
import { settingsSchema } from '../../server/services/settings/schema.ts';
import { setup, type TestEnv } from '../helpers.ts';

const MIGRATIONS = new URL('../../db/migrations', import.meta.url).pathname;
const GID = 'gid://shopify/ProductVariant';
const SECRET = 'sk_migrated_shop_secret';

/**
 * A database as it stood before 0016, when a Hydrogen page's `gid://…` id was
 * stored as given beside the numeric id Shopify's webhooks use. Shop s1 has
 * both forms of variant 222 (a collision), only the GID of 111, and ids that
 * are not Shopify's; shop s2 has the GID of its own 222.
 */
const OLD_ROWS = `
  insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values
    ('s1', 'S', 'pk_1', '${sha256(SECRET)}', '${JSON.stringify(settingsSchema.parse({}))}', 0),
    ('s2', 'T', 'pk_2', 'h2', '${JSON.stringify({ ...settingsSchema.parse({}), brand: undefined })}', 0);
  insert into variants (shop_id, id, product_id, product_title, title, url, inventory, eta_earliest, eta_latest, eta_source, inventory_item_id, created_at, updated_at) values
    ('s1', '222', '9', 'Tee', 'M', null, 5, null, null, null, '7001', 10, 10),
    ('s1', '${GID}/222', 'gid://shopify/Product/9', '', '', 'https://shop.example/products/tee', 0, '2026-05-01', '2026-05-10', 'merchant', null, 5, 5),
    ('s1', '${GID}/111', 'gid://shopify/Product/8', 'Cap', '', null, 0, null, null, null, 'gid://shopify/InventoryItem/7002', 1, 1),
    ('s1', 'variant_01HXYZ', null, 'Medusa mug', '', null, 0, null, null, null, null, 1, 1),
    ('s1', 'SKU-1', null, 'Pen', '', null, 0, null, null, null, null, 1, 1),
    ('s2', '${GID}/222', null, 'Other shop', '', null, 0, null, null, null, null, 1, 1);
  insert into contacts (id, shop_id, email, locale, token, created_at) values
    (1, 's1', 'ann@example.com', 'en', 'c1', 0), (2, 's1', 'bob@example.com', 'en', 'c2', 0),
    (3, 's1', 'cy@example.com', 'en', 'c3', 0), (4, 's1', 'dee@example.com', 'en', 'c4', 0),
    (5, 's2', 'eve@example.com', 'en', 'c5', 0);
  -- Shop-wide sequence: the two lines of 222 interleave by when people joined.
  insert into signups (id, shop_id, variant_id, contact_id, seq, status, token, created_at, updated_at) values
    (1, 's1', '222', 1, 1, 'waiting', 't1', 1, 1),
    (2, 's1', '${GID}/222', 2, 2, 'waiting', 't2', 2, 2),
    (3, 's1', '222', 3, 3, 'waiting', 't3', 3, 3),
    (4, 's1', '${GID}/222', 1, 4, 'waiting', 't4', 4, 4),
    (5, 's1', '${GID}/222', 4, 5, 'offered', 't5', 5, 5),
    (6, 's1', '222', 4, 6, 'waiting', 't6', 6, 6),
    (7, 's1', '${GID}/111', 2, 7, 'waiting', 't7', 7, 7),
    (8, 's1', 'variant_01HXYZ', 2, 8, 'waiting', 't8', 8, 8),
    (9, 's2', '${GID}/222', 5, 1, 'waiting', 't9', 9, 9);
  insert into offers (id, shop_id, variant_id, signup_id, units, position, status, token, expires_at, created_at) values
    (1, 's1', '${GID}/222', 5, 1, 1, 'active', 'o1', 99999999, 5);
  insert into backorders (id, shop_id, order_id, variant_id, contact_id, quantity, price, currency, token, created_at) values
    (1, 's1', 'o-1', '222', 1, 1, 2500, 'USD', 'b1', 100), (2, 's1', 'o-2', '${GID}/222', 2, 1, 2500, 'USD', 'b2', 200),
    (3, 's1', 'o-3', '222', 3, 1, 2500, 'USD', 'b3', 300);
  insert into orders (shop_id, id, contact_id, currency, total, lines, created_at) values
    ('s1', 'o-2', 2, 'USD', 5000, '[{"variantId":"${GID}/222","quantity":1,"price":2500,"fromHold":0,"fromStock":0,"backordered":1},{"variantId":"SKU-1","quantity":1,"price":2500,"fromHold":0,"fromStock":1,"backordered":0}]', 200);
  insert into platform_order_lines (shop_id, order_id, variant_id, quantity, price, placed_at, received_at) values ('s1', 'o-2', '${GID}/222', 1, 2500, 200, 200);
  insert into restocks (shop_id, variant_id, from_inventory, to_inventory, units, backorder_units, created_at) values ('s1', '${GID}/111', 0, 3, 3, 0, 50);
  insert into jobs (kind, payload, key, status, run_at, created_at) values
    ('offers.expire', '{"shopId":"s1","variantId":"${GID}/222"}', 'expire:s1:gid222', 'pending', 99999999, 5),
    ('offers.expire', '{"shopId":"s1","variantId":"${GID}/111"}', 'expire:s1:gid111:done', 'done', 0, 0);
`;

let t: TestEnv | undefined;
afterEach(() => t?.cleanup());

describe('migration 0016: Shopify variant GIDs become the numeric id', () => {
  let dir: string;
  let file: string;
  let sqlite: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-gids-'));
    cpSync(MIGRATIONS, join(dir, 'before'), { recursive: true });
    const journalPath = join(dir, 'before/meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    // Everything before 0016: drizzle applies only migrations newer than the last one applied.
    const at = journal.entries.findIndex((e: { tag: string }) => e.tag.includes('shopify_variant_gids'));
    journal.entries = journal.entries.slice(0, at);
    writeFileSync(journalPath, JSON.stringify(journal));
    file = join(dir, 'old.db');
    sqlite = new Database(file);
    migrate(drizzle(sqlite), { migrationsFolder: join(dir, 'before') });
    sqlite.exec(OLD_ROWS);
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
  });
  afterEach(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const all = (q: string) => sqlite.prepare(q).all();

  it('renames every table, per shop, and leaves ids that are not Shopify GIDs alone', () => {
    expect(all(`select shop_id, id, product_id, inventory_item_id from variants order by shop_id, id`)).toEqual([
      { shop_id: 's1', id: '111', product_id: '8', inventory_item_id: '7002' },
      { shop_id: 's1', id: '222', product_id: '9', inventory_item_id: '7001' },
      { shop_id: 's1', id: 'SKU-1', product_id: null, inventory_item_id: null },
      { shop_id: 's1', id: 'variant_01HXYZ', product_id: null, inventory_item_id: null },
      { shop_id: 's2', id: '222', product_id: null, inventory_item_id: null },
    ]);
    const gids = ['signups', 'offers', 'backorders', 'platform_order_lines', 'restocks', 'queue_counts', 'queue_actions'].map(
      (table) => (sqlite.prepare(`select count(*) as n from ${table} where variant_id like 'gid:%'`).get() as { n: number }).n,
    );
    expect(gids).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(all(`select variant_id from signups where id in (7, 8, 9) order by id`)).toEqual([{ variant_id: '111' }, { variant_id: 'variant_01HXYZ' }, { variant_id: '222' }]);
    expect(JSON.parse((sqlite.prepare(`select lines from orders`).get() as { lines: string }).lines).map((l: { variantId: string }) => l.variantId)).toEqual(['222', 'SKU-1']);
    expect(all(`select key, json_extract(payload, '$.variantId') as v from jobs order by id`)).toEqual([
      { key: 'expire:s1:gid222', v: '222' },
      // A finished job is history; it is left as it ran.
      { key: 'expire:s1:gid111:done', v: `${GID}/111` },
    ]);
  });

  it('a collision keeps the numeric row, filled from the GID row where it was empty', () => {
    expect(all(`select product_title, title, url, inventory, eta_earliest, eta_latest, eta_source from variants where shop_id = 's1' and id = '222'`)).toEqual([
      { product_title: 'Tee', title: 'M', url: 'https://shop.example/products/tee', inventory: 5, eta_earliest: '2026-05-01', eta_latest: '2026-05-10', eta_source: 'merchant' },
    ]);
  });

  it('merges the two lines in join order; a person in both keeps the place with the hold, else the earliest', () => {
    expect(all(`select id, contact_id, status from signups where shop_id = 's1' and variant_id = '222' order by seq`)).toEqual([
      { id: 1, contact_id: 1, status: 'waiting' },
      { id: 2, contact_id: 2, status: 'waiting' },
      { id: 3, contact_id: 3, status: 'waiting' },
      { id: 4, contact_id: 1, status: 'cancelled' },
      { id: 5, contact_id: 4, status: 'offered' },
      { id: 6, contact_id: 4, status: 'cancelled' },
    ]);
    expect(all(`select variant_id, status from offers`)).toEqual([{ variant_id: '222', status: 'active' }]);
    expect(all(`select shop_id, variant_id, waiting from queue_counts order by shop_id, variant_id`)).toEqual([
      { shop_id: 's1', variant_id: '111', waiting: 1 },
      { shop_id: 's1', variant_id: '222', waiting: 3 },
      { shop_id: 's1', variant_id: 'variant_01HXYZ', waiting: 1 },
      { shop_id: 's2', variant_id: '222', waiting: 1 },
    ]);
    // The merchant can see why a place went: the queue's audit log says so.
    expect(all(`select signup_id, variant_id, action from queue_actions order by signup_id`)).toEqual([
      { signup_id: 4, variant_id: '222', action: 'remove' },
      { signup_id: 6, variant_id: '222', action: 'remove' },
    ]);
    expect(all(`select id from backorders where variant_id = '222' order by created_at, id`)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('migration 0025: a shop from before emails were branded gets the default brand', () => {
    expect(all(`select id, json_extract(settings, '$.brand') as brand from shops order by id`)).toEqual([
      { id: 's1', brand: '{"logoUrl":null,"color":"#1a1a1a"}' },
      { id: 's2', brand: '{"logoUrl":null,"color":"#1a1a1a"}' },
    ]);
  });

  it('migration 0024: orders from before names were kept are known by their id, as their messages said', () => {
    expect(all(`select id, name from orders`)).toEqual([{ id: 'o-2', name: 'o-2' }]);
    expect(all(`select order_id, order_name from backorders order by id`)).toEqual(['o-1', 'o-2', 'o-3'].map((o) => ({ order_id: o, order_name: o })));
  });

  it('the migrated shop answers by either form: one line, positions 1 to 3, the hold still counted', async () => {
    sqlite.close();
    t = await setup({ WAITLINE_DB: file });
    const admin = (path: string) => t!.call('GET', path, { headers: { authorization: `Bearer ${SECRET}` } });
    for (const id of ['222', `${GID}/222`]) {
      const { body } = await admin(`/v1/admin/signups?variantId=${encodeURIComponent(id)}&status=waiting`);
      expect(body.signups.map((s: { email: string; position: number; variantId: string }) => [s.email, s.position, s.variantId])).toEqual([
        ['ann@example.com', 1, '222'],
        ['bob@example.com', 2, '222'],
        ['cy@example.com', 3, '222'],
      ]);
    }
    const { body } = await admin('/v1/admin/variants');
    const tee = body.variants.find((v: { id: string }) => v.id === '222');
    expect([tee.queueLength, tee.activeHolds, tee.available]).toEqual([3, 1, 4]);
    sqlite = new Database(file);
  });
});
