import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sightingsWritten, widgetSightings } from '../../server/services/storefront/sightings.ts';
import { retentionSweep } from '../../server/services/retention/sweep.ts';
import { setup, type TestEnv } from '../helpers.ts';

/**
 * The storefront config route records where the widget runs, per shop and
 * page origin, for the Connect page's "widget seen" line: allowed or refused,
 * at most once a minute per origin, never in the way of the answer.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

const STORE = 'https://acme.example';

async function shop(origins = [STORE]) {
  return t.createShop('Acme Goods', { allowedOrigins: origins });
}

/** The config call a product page makes, from `origin`; the sighting it starts is waited for. */
async function pageView(pk: string, origin?: string) {
  const headers: Record<string, string> = origin === undefined ? {} : { origin, referer: `${origin}/products/ocean-tee` };
  const res = await t.call('GET', `/v1/storefront/config?key=${pk}&variants=4401`, { headers });
  await sightingsWritten();
  return res;
}

const seen = (shopId: string) => widgetSightings(t.deps.db, shopId);

describe('widget seen', () => {
  it('forgets origins not seen within the retention, made-up ones included', async () => {
    const acme = await shop();
    await pageView(acme.pk, 'https://made-up-1.example');
    t.clock.advance(t.config.retentionMs - 1_000);
    await pageView(acme.pk, STORE);
    t.clock.advance(2_000);
    expect((await retentionSweep(t.deps)).sightingsDeleted).toBe(1);
    expect((await seen(acme.id)).map((s) => s.origin)).toEqual([STORE]);
  });

  it('records an allowed page origin with the time it was seen', async () => {
    const acme = await shop();
    expect(await seen(acme.id)).toEqual([]);
    expect((await pageView(acme.pk, STORE)).status).toBe(200);
    expect(await seen(acme.id)).toEqual([{ origin: STORE, allowed: true, lastSeenAt: t.clock.now() }]);
  });

  it('records a refused origin as not allowed, and still answers 403', async () => {
    const acme = await shop();
    const res = await pageView(acme.pk, 'https://acme-store.myshopify.com');
    expect(res.status).toBe(403);
    expect(await seen(acme.id)).toEqual([{ origin: 'https://acme-store.myshopify.com', allowed: false, lastSeenAt: t.clock.now() }]);
  });

  it('writes at most once a minute per origin, and at once when the verdict changes', async () => {
    const acme = await shop();
    const first = t.clock.now();
    await pageView(acme.pk, STORE);
    t.clock.advance(59_000);
    // The second view is served from the config cache: the same path every repeat takes.
    expect((await pageView(acme.pk, STORE)).status).toBe(200);
    expect(await seen(acme.id)).toEqual([{ origin: STORE, allowed: true, lastSeenAt: first }]);

    t.clock.advance(1_000);
    await pageView(acme.pk, STORE);
    expect(await seen(acme.id)).toEqual([{ origin: STORE, allowed: true, lastSeenAt: t.clock.now() }]);

    // Refused, then allowed by the merchant a few seconds later: the page shows it at once.
    const other = 'https://www.acme.example';
    await pageView(acme.pk, other);
    t.clock.advance(5_000);
    expect((await acme.admin('PATCH', '/v1/admin/settings', { allowedOrigins: [STORE, other] })).status).toBe(200);
    expect((await pageView(acme.pk, other)).status).toBe(200);
    expect((await seen(acme.id))[0]).toEqual({ origin: other, allowed: true, lastSeenAt: t.clock.now() });
  });

  it('keeps origins normalised (scheme and host in lower case, no default port)', async () => {
    const acme = await shop();
    await pageView(acme.pk, 'HTTPS://Shop.Acme.Example:443');
    await pageView(acme.pk, 'http://localhost:8080');
    expect((await seen(acme.id)).map((s) => s.origin).sort()).toEqual(['http://localhost:8080', 'https://shop.acme.example']);
  });

  it.each([
    ['no Origin header', undefined],
    ['an opaque origin', 'null'],
    ['another scheme', 'ftp://acme.example'],
    ['a path', 'https://acme.example/products'],
    ['a trailing slash', 'https://acme.example/'],
    ['credentials', 'https://user:pw@acme.example'],
    ['a query', 'https://acme.example?x=1'],
    ['not a URL', 'acme.example'],
    ['more than 200 characters', `https://${'a'.repeat(190)}.example`],
  ])('records nothing for %s', async (_name, origin) => {
    const acme = await shop();
    await pageView(acme.pk, origin);
    expect(await seen(acme.id)).toEqual([]);
  });

  it('keeps each shop to its own sightings, newest first', async () => {
    const acme = await shop();
    const kiln = await t.createShop('Kiln & Co', { allowedOrigins: ['https://kiln.example'] });
    await pageView(acme.pk, STORE);
    t.clock.advance(1_000);
    await pageView(kiln.pk, 'https://kiln.example');
    t.clock.advance(1_000);
    await pageView(acme.pk, 'https://kiln.example');
    expect((await seen(acme.id)).map(({ origin, allowed }) => ({ origin, allowed }))).toEqual([
      { origin: 'https://kiln.example', allowed: false },
      { origin: STORE, allowed: true },
    ]);
    expect((await seen(kiln.id)).map(({ origin, allowed }) => ({ origin, allowed }))).toEqual([{ origin: 'https://kiln.example', allowed: true }]);
  });
});
