import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { execute, first, rows } from '../../db/raw.ts';
import { transaction } from '../../db/transaction.ts';
import { testEngine, type TestEnv } from '../helpers.ts';
import { fuzzEnv, populatedShop, tokens, type Shop } from '../fuzz/world.ts';
import { connections, connectionWebhooks } from '../../db/schema/index.ts';
import { A_BC, A_ONLY, A_STORE, A_WOO, adminAttacks, storefrontAttacks, type Attack } from './tenant-cases.ts';

/**
 * No data crosses between shops (SPEC §2). Two shops with the same variant
 * ids and one of everything; every admin and storefront route is called with
 * the other shop's credentials against A's ids, cursors, filters and tokens.
 * Each answer must be a refusal or B's own data, and A must not change.
 */
let t: TestEnv;
let a: Shop;
let b: Shop;
let aSecrets: string[];
const B_ORIGIN = 'https://b.example';
const WEBHOOKS = { url: 'https://hooks.a.example/in', secret: `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`, events: ['signup.created', 'offer.created', 'escalation.created'] };

beforeAll(async () => {
  t = await fuzzEnv();
  a = await populatedShop(t, 'Shop A', { emailTag: 'a', settings: { webhooks: WEBHOOKS } });
  b = await populatedShop(t, 'Shop B', { emailTag: 'b', settings: { allowedOrigins: [B_ORIGIN] } });
  await a.admin('PUT', `/v1/admin/variants/${A_ONLY}`, { productTitle: 'A only', mode: 'waitlist', inventory: 0 });
  await t.call('POST', '/v1/storefront/signups', { body: { key: a.pk, variantId: A_ONLY, email: a.email('solo') } });
  a = { ...a, ...(await tokens(t, a.id)) };
  // A's connected store: its sealed credentials and subscriptions are A's alone.
  await transaction(t.deps.db, async (tx) => {
    const now = t.clock.now();
    const [row] = await tx
      .insert(connections)
      .values({ shopId: a.id, platform: 'shopify', account: A_STORE, method: 'token', credentials: t.deps.secrets.seal({ accessToken: 'shpat_a_token', webhookSecret: 'a_secret' }), scopes: ['read_products'], origins: [`https://${A_STORE}`], syncStatus: 'done', productsImported: 1, variantsImported: 1, createdAt: now, updatedAt: now })
      .returning();
    await tx.insert(connectionWebhooks).values({ connectionId: row!.id, topic: 'orders/create', subscriptionId: 'gid://shopify/WebhookSubscription/1', registeredAt: now });
    const store = { method: 'token' as const, scopes: [], syncStatus: 'done' as const, productsImported: 1, variantsImported: 1, createdAt: now, updatedAt: now };
    await tx.insert(connections).values([
      { shopId: a.id, platform: 'woocommerce', account: A_WOO, credentials: t.deps.secrets.seal({ consumerKey: 'ck_a', consumerSecret: 'cs_a', webhookSecrets: {} }), origins: [A_WOO], ...store },
      { shopId: a.id, platform: 'bigcommerce', account: A_BC, credentials: t.deps.secrets.seal({ accessToken: 'a_bc_token', webhookSecrets: {} }), origins: ['https://a-bc.example'], ...store },
    ]);
  });
  // A's endpoint is paused: no request of B's may resume it (B saving its own settings included).
  await transaction(t.deps.db, (tx) =>
    execute(tx, sql`insert into webhook_endpoints (shop_id, channel, failures, last_error, failing_since, disabled_at) values (${a.id}, 'webhooks', 12, 'answered 500', 1, 2)`),
  );
  // What would show that A's data leaked: its id, contacts' emails, and every token and public id it owns.
  aSecrets = [a.id, a.pk, A_STORE, '.a@example.com', a.supplierName, A_ONLY, ...a.signupTokens, ...a.offerTokens, ...a.contactTokens, ...a.backorderTokens, ...a.messageIds, WEBHOOKS.url];
  expect(a.escalationIds.length && a.offerTokens.length && a.backorderTokens.length && a.messageIds.length).toBeGreaterThan(0);
  const counts = [];
  for (const table of ['webhook_deliveries', 'webhook_endpoints', 'queue_actions', 'purchase_orders', 'restocks']) counts.push(await count(table, a.id));
  expect(counts.reduce((x, y) => x * y)).toBeGreaterThan(0);
  // The snapshot covers every table of a shop's data, as the catalog lists them.
  expect((await rows(t.deps.db, TABLES_WITH_SHOP[testEngine()])).length).toBeGreaterThan(20);
});
afterAll(() => t.cleanup());

const count = async (table: string, shopId: string) => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from ${sql.identifier(table)} where shop_id = ${shopId}`))!.n;

/** The tables with a shop_id column, from the database's own catalog. */
const TABLES_WITH_SHOP = {
  sqlite: sql`select m.name as name from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table' and p.name = 'shop_id' order by m.name`,
  pg: sql`select table_name as name from information_schema.columns where table_schema = current_schema() and column_name = 'shop_id' order by table_name`,
};

/** Every row that belongs to A, in every table that has a shop: the state that must not move. */
async function snapshotA(): Promise<string> {
  const tables = (await rows<{ name: string }>(t.deps.db, TABLES_WITH_SHOP[testEngine()])).map((r) => r.name);
  const held: Record<string, string[]> = {};
  // In a canonical order: neither engine promises one without `order by`, and not every table has an id.
  for (const name of tables) held[name] = (await rows(t.deps.db, sql`select * from ${sql.identifier(name)} where shop_id = ${a.id}`)).map((r) => JSON.stringify(r)).sort();
  return JSON.stringify({ shop: await first(t.deps.db, sql`select * from shops where id = ${a.id}`), rows: held });
}

/** Served routes under a prefix, from the app itself. */
const served = (prefix: string) => [...new Set(t.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith(prefix)).map((r) => `${r.method} ${r.path}`))];

async function send(route: string, attack: Attack, headers: Record<string, string>) {
  const method = route.split(' ')[0]!;
  const before = await snapshotA();
  const res = await t.app.request(attack.path, {
    method,
    headers: { ...headers, ...(attack.csv ? { 'content-type': 'text/csv' } : attack.body ? { 'content-type': 'application/json' } : {}) },
    body: attack.csv ?? (attack.body ? JSON.stringify(attack.body) : undefined),
  });
  const text = await res.text();
  expect(await snapshotA(), `${route} changed shop A`).toBe(before);
  // Strings A's data would carry, minus those the request itself sent (an echo of our own input is no leak).
  const sent = `${attack.path} ${attack.csv ?? ''} ${JSON.stringify(attack.body ?? '')}`;
  const leaked = aSecrets.filter((s) => !sent.includes(s) && text.includes(s));
  expect(leaked, `${route} answered ${res.status} with A's data`).toEqual([]);
  return { status: res.status, text };
}

// Storefront first: the admin matrix lets B create its own variant under A's id, which config would then rightly show.
describe('storefront routes with the wrong shop', () => {
  it('the matrix names every storefront route the app serves', () => {
    const named = Object.keys(storefrontAttacks(a, b.pk));
    expect(served('/v1/storefront/').filter((r) => !named.includes(r))).toEqual([]);
  });

  it("B's publishable key and origin against A's variant and tokens: refused, and A unchanged", async () => {
    const expected: Record<string, number> = {
      'GET /v1/storefront/config': 200,
      'POST /v1/storefront/signups': 404,
      'GET /v1/storefront/signups/:token': 403,
      'DELETE /v1/storefront/signups/:token': 403,
      'GET /v1/storefront/holds/:token': 403,
    };
    for (const [route, attack] of Object.entries(storefrontAttacks(a, b.pk))) {
      const { status, text } = await send(route, attack, { origin: B_ORIGIN });
      expect(status, `${route}: ${text.slice(0, 200)}`).toBe(expected[route]);
      if (route === 'GET /v1/storefront/config') expect(Object.keys(JSON.parse(text).variants)).toEqual(['4401']);
    }
  });

  it("a secret key where a publishable key belongs is refused, and A unchanged", async () => {
    // Token routes take the token as the credential (a key there only picks CORS), so the key-taking routes are the ones to refuse.
    const keyed = Object.entries(storefrontAttacks(a, a.sk)).filter(([route]) => !route.includes(':token'));
    expect(keyed).toHaveLength(2);
    for (const [route, attack] of keyed) {
      const { status } = await send(route, attack, {});
      expect(status, route).toBe(401);
    }
  });
});

describe('admin routes with the wrong shop', () => {
  it('the matrix names every admin route the app serves', () => {
    // `route#variant` names a second case for one route (a rotation of each key kind).
    const named = [...new Set(Object.keys(adminAttacks(a)).map((r) => r.split('#')[0]!))];
    expect(served('/v1/admin/').filter((r) => !named.includes(r))).toEqual([]);
    expect(named.filter((r) => !served('/v1/admin/').includes(r))).toEqual([]);
  });

  it("B's secret key against A's ids, cursors and filters: refused or B's own, and A unchanged", async () => {
    // Creating B's own variant with A's id, and rotating B's key, go last: both are B's right and change what follows.
    const last = ['PUT /v1/admin/variants/:id', 'POST /v1/admin/keys/rotate'];
    const entries = Object.entries(adminAttacks(a)).sort(([x], [y]) => last.indexOf(x) - last.indexOf(y));
    const outcomes: Record<string, number> = {};
    for (const [route, attack] of entries) {
      const { status, text } = await send(route, attack, { authorization: `Bearer ${b.sk}` });
      outcomes[route] = status;
      expect(status, `${route}: ${text.slice(0, 200)}`).toBeLessThan(500);
      if (route.includes(':id') && route !== 'PUT /v1/admin/variants/:id') expect(status, `${route}: ${text.slice(0, 200)}`).toBe(404);
      if (route === 'POST /v1/admin/keys/rotate') b = { ...b, sk: JSON.parse(text).secretKey };
      if (route === 'POST /v1/admin/backorders/bulk') {
        const { results } = JSON.parse(text) as { results: Array<{ ok: boolean; error?: { code: string } }> };
        expect(results.length).toBeGreaterThan(0);
        expect(results.every((r) => !r.ok && r.error?.code === 'not_found')).toBe(true);
      }
    }
    // An order id is unique per shop: B's order with A's order id is new in B.
    expect(outcomes['POST /v1/admin/orders']).toBe(201);
    expect(outcomes['POST /v1/admin/signups/:id/remove']).toBe(404);
    // A's store is A's: B cannot connect it (before anything reaches Shopify), and B has none to sync or end.
    expect(outcomes['PUT /v1/admin/connections/shopify']).toBe(409);
    expect(outcomes['POST /v1/admin/connections/shopify/ticket']).toBe(409);
    expect(outcomes['PUT /v1/admin/connections/woocommerce']).toBe(409);
    expect(outcomes['PUT /v1/admin/connections/bigcommerce']).toBe(409);
    expect(outcomes['DELETE /v1/admin/connections/:platform']).toBe(404);
    expect(outcomes['POST /v1/admin/connections/:platform/sync']).toBe(404);
    // Bulk actions on A's lines answer line by line, and every line is B's "not found".
    expect(outcomes['POST /v1/admin/backorders/bulk']).toBe(200);
    // A's contact is not B's to see or erase.
    expect(outcomes['GET /v1/admin/contacts/export']).toBe(404);
    expect(outcomes['POST /v1/admin/contacts/erase']).toBe(404);
    // The copy editor renders B's own copy; a test goes only to B's own sender, still the default here, so none is sent.
    expect(outcomes['GET /v1/admin/templates']).toBe(200);
    expect(outcomes['POST /v1/admin/templates/:name/preview']).toBe(200);
    expect(outcomes['POST /v1/admin/templates/:name/test']).toBe(400);
    // A's team member invited by B joins B's team, with B's own contact: A's member is untouched.
    expect(outcomes['POST /v1/admin/members']).toBe(201);
  });

  it.each([
    ["A's publishable key", () => ({ authorization: `Bearer ${a.pk}` })],
    ['no key', () => ({})],
    ["A's secret key as Basic auth", () => ({ authorization: `Basic ${Buffer.from(`${a.sk}:`).toString('base64')}` })],
  ])('%s on every admin route: 401, and A unchanged', async (_name, headers) => {
    for (const [route, attack] of Object.entries(adminAttacks(a))) {
      const { status } = await send(route, attack, headers());
      expect(status, route).toBe(401);
    }
  });
});
