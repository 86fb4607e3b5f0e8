import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNTRACKED_TABLES } from '../../db/changes.ts';
import { runJobs, setup, shopWithVariant, testEngine, type TestEnv } from '../helpers.ts';

/**
 * The config answer is cached per process (services/storefront/config-cache.ts).
 * Every test here first asks once, so the answer is cached, then changes
 * something through the API and asks again: the very next answer must show it.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const HOUR = 3_600_000;

const config = (pk: string, extra = '', headers: Record<string, string> = {}) =>
  t.call('GET', `/v1/storefront/config?key=${pk}&variants=4401${extra}`, { headers });
const variant = async (pk: string) => (await config(pk)).body.variants['4401'];

async function line(shop: Shop, n: number) {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push((await shop.signup({ email: `p${i}@example.com` })).body.signup.token);
  return tokens;
}

describe('the config cache shows every change in the very next answer', () => {
  it('a hold made by a restock', async () => {
    const shop = await shopWithVariant(t);
    await line(shop, 2);
    expect(await variant(shop.pk)).toMatchObject({ available: 0, queueLength: 2 });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 3 });
    // 3 units, 2 held for the line: 1 is public.
    expect(await variant(shop.pk)).toMatchObject({ available: 1, queueLength: 0 });
  });

  // [how, units restocked for one waiting shopper, release, available after]
  it.each([
    ['its expiry', 1, async (_shop: Shop, _token: string) => {
      t.clock.advance(48 * HOUR);
      await runJobs(t);
    }, 1],
    ['a cancel', 1, async (_shop: Shop, token: string) => {
      expect((await t.call('DELETE', `/v1/storefront/signups/${token}`)).status).toBe(200);
    }, 1],
    // 3 units, 1 held: the order takes the held one and one more; 1 is left, none held.
    ['an order that claims it', 3, async (shop: Shop, token: string) => {
      const holdToken = (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup.offer.claimUrl.split('/claim/')[1];
      const order = await shop.admin('POST', '/v1/admin/orders', {
        id: 'o-1', email: 'p0@example.com', currency: 'USD', total: 5000, holdToken, lineItems: [{ variantId: '4401', quantity: 2, price: 2500 }],
      });
      expect(order.status).toBeLessThan(300);
    }, 1],
  ] as const)('a hold released by %s', async (_how, units, release, available) => {
    const shop = await shopWithVariant(t, {}, { holdDuration: 'PT1H', followUpAfter: 'PT2H' });
    const [token] = await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: units });
    expect(await variant(shop.pk)).toMatchObject({ available: units - 1, queueLength: 0 });
    await release(shop, token!);
    expect(await variant(shop.pk)).toMatchObject({ available });
  });

  it('a signup and a leave change queueLength at once', async () => {
    const shop = await shopWithVariant(t);
    expect((await variant(shop.pk)).queueLength).toBe(0);
    const [token] = await line(shop, 1);
    expect((await variant(shop.pk)).queueLength).toBe(1);
    await t.call('DELETE', `/v1/storefront/signups/${token}`);
    expect((await variant(shop.pk)).queueLength).toBe(0);
  });

  it('settings, strings, theme, country, mode, ETA and pre-order room', async () => {
    const shop = await shopWithVariant(t);
    const before = await config(shop.pk);
    expect(before.body.shop).toMatchObject({ locale: 'en', country: 'US', strings: {}, theme: {} });
    expect(before.body.variants['4401']).toMatchObject({ mode: 'waitlist', eta: null, preorderRemaining: null });

    const patched = await shop.admin('PATCH', '/v1/admin/settings', {
      country: 'FR', locale: 'fr', strings: { fr: { 'widget.button': 'Prévenez-moi' } }, theme: { primary: '#112233' },
    });
    expect(patched.status).toBe(200);
    const after = (await config(shop.pk)).body.shop;
    expect(after).toMatchObject({ locale: 'fr', country: 'FR', theme: { primary: '#112233' } });
    expect(after.strings['widget.button']).toBe('Prévenez-moi');

    await shop.admin('PUT', '/v1/admin/variants/4401', { mode: 'preorder', preorderLimit: 5, eta: { earliest: '2026-04-01', latest: '2026-04-10' } });
    expect(await variant(shop.pk)).toMatchObject({ mode: 'preorder', preorderRemaining: 5, eta: { earliest: '2026-04-01', latest: '2026-04-10' } });
    await shop.signup({ email: 'pre@example.com', kind: 'preorder', quantity: 2 });
    expect((await variant(shop.pk)).preorderRemaining).toBe(3);
  });

  it('a rotated key answers through its grace period, with the shop as it is now, then stops', async () => {
    const shop = await shopWithVariant(t);
    expect((await config(shop.pk)).status).toBe(200);
    const rotated = await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'publishable', graceHours: 1 });
    await shop.admin('PATCH', '/v1/admin/settings', { country: 'CA' });
    for (const pk of [shop.pk, rotated.body.publishableKey]) expect((await config(pk)).body.shop.country).toBe('CA');
    t.clock.advance(HOUR);
    expect((await config(shop.pk)).status).toBe(401);
    expect((await config(rotated.body.publishableKey)).status).toBe(200);
  });

  it('shops never see each other through the cache, even with the same variant ids', async () => {
    const a = await shopWithVariant(t, { inventory: 4 }, { strings: { en: { 'widget.button': 'A first' } } });
    const b = await t.createShop('Other Goods', { allowedOrigins: ['https://other.example'] });
    await b.admin('PUT', '/v1/admin/variants/4401', { title: 'S', mode: 'preorder', inventory: 0, preorderLimit: 9 });
    for (let round = 0; round < 2; round++) {
      const [fromA, fromB] = [(await config(a.pk)).body, (await config(b.pk)).body];
      expect(fromA.shop).toMatchObject({ name: 'Acme Goods', strings: { 'widget.button': 'A first' } });
      expect(fromA.variants['4401']).toMatchObject({ mode: 'waitlist', available: 4 });
      expect(fromB.shop).toMatchObject({ name: 'Other Goods', strings: {} });
      expect(fromB.variants['4401']).toMatchObject({ mode: 'preorder', available: 0, preorderRemaining: 9 });
    }
    // A write to one shop changes its answer and leaves the other's as it was.
    await b.admin('PUT', '/v1/admin/variants/4401', { inventory: 2 });
    expect((await variant(a.pk)).available).toBe(4);
    expect((await variant(b.pk)).available).toBe(2);
  });
});

describe('what the cache is kept exact by', () => {
  it('the answer reads no table whose writes the version source ignores', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    expect((await shop.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Acme Mill', variantId: '4401', quantity: 5, quotedArrival: '2026-04-01' })).status).toBe(201);
    // Every statement of one uncached answer (the shop by key, the variants, their stats), as SQL text,
    // caught where the driver is handed it: better-sqlite3 prepares each, node-postgres queries each.
    const driver = t.deps.db.$client as unknown as Record<string, (source: unknown, ...rest: unknown[]) => unknown>;
    const method = testEngine() === 'pg' ? 'query' : 'prepare';
    const plain = driver[method]!;
    const read = new Set<string>();
    driver[method] = function (this: unknown, source: unknown, ...rest: unknown[]) {
      const text = typeof source === 'string' ? source : (source as { text: string }).text;
      for (const [, table] of text.matchAll(/\b(?:from|join)\s+"?(\w+)"?/gi)) read.add(table!);
      return plain.call(this, source, ...rest);
    };
    try {
      expect((await config(shop.pk)).status).toBe(200);
    } finally {
      driver[method] = plain;
    }
    expect(read).toEqual(new Set(['shops', 'variants', 'queue_counts', 'offers', 'purchase_orders', 'backorders', 'signups']));
    expect([...read].filter((table) => UNTRACKED_TABLES.has(table))).toEqual([]);
  });
});

describe('config answers and the CDN in front', () => {
  it('sends Vary: Origin on every answer: allowed, refused, without an origin, and on errors', async () => {
    const shop = await shopWithVariant(t);
    const answers = [
      await config(shop.pk, '', { origin: 'https://acme.example' }),
      await config(shop.pk, '', { origin: 'https://evil.example' }),
      await config(shop.pk),
      await config('pk_unknown', '', { origin: 'https://acme.example' }),
      await config(shop.pk, '&locale=%3Cb%3E'),
      await t.call('OPTIONS', `/v1/storefront/config?key=${shop.pk}`, { headers: { origin: 'https://evil.example' } }),
      await t.call('OPTIONS', `/v1/storefront/config?key=${shop.pk}`, { headers: { origin: 'https://acme.example', 'access-control-request-method': 'GET' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 403, 200, 401, 400, 403, 204]);
    for (const answer of answers) expect(answer.headers.get('vary')).toBe('Origin');
  });

  it('revalidates cheaply: If-None-Match gives 304 until something changes, then the new answer', async () => {
    const shop = await shopWithVariant(t);
    const first = await config(shop.pk);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const same = await config(shop.pk, '', { 'if-none-match': etag, origin: 'https://acme.example' });
    expect(same.status).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    expect(same.headers.get('access-control-allow-origin')).toBe('https://acme.example');
    // A refused origin learns nothing, not even "unchanged".
    expect((await config(shop.pk, '', { 'if-none-match': etag, origin: 'https://evil.example' })).status).toBe(403);

    await line(shop, 1);
    const changed = await config(shop.pk, '', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body.variants['4401'].queueLength).toBe(1);
  });
});
