import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { en } from '../../widget/i18n/en.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

describe('GET /v1/storefront/config', () => {
  it('reports mode, public availability, ETA, pre-order room and queue length for the variants asked', async () => {
    const shop = await shopWithVariant(t, { eta: { earliest: '2026-04-01', latest: '2026-04-10' } }, { strings: { en: { 'widget.button': 'Tell me first' } } });
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', mode: 'preorder', inventory: -2, preorderLimit: 10 });
    await shop.admin('PUT', '/v1/admin/variants/4403', { title: 'L', inventory: 7 });
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com' });
    await shop.signup({ email: 'c@example.com', variantId: '4402', quantity: 3 });

    const res = await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401,4402,4403,nope`);
    expect(res.status).toBe(200);
    // A CDN may keep it but must ask again (If-None-Match → 304): never a stale "available".
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    // Every widget string, in the shopper's locale with the shop's overrides: the bundle carries none.
    expect(res.body.shop).toEqual({ name: 'Acme Goods', locale: 'en', country: 'US', strings: { ...en, 'widget.button': 'Tell me first' }, theme: {} });
    const french = await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401&locale=fr-CA`);
    expect(french.body.shop.locale).toBe('fr-CA');
    expect(french.body.shop.strings['widget.button']).toBe('Me prévenir');
    expect(french.body.shop.strings['widget.title.waitlist']).toBe('Épuisé. Soyez prévenu(e) du retour');
    expect(res.body.variants).toEqual({
      '4401': { mode: 'waitlist', available: 0, eta: { earliest: '2026-04-01', latest: '2026-04-10' }, preorderRemaining: null, queueLength: 2 },
      '4402': { mode: 'preorder', available: 0, eta: null, preorderRemaining: 7, queueLength: 1 },
      '4403': { mode: 'waitlist', available: 7, eta: null, preorderRemaining: null, queueLength: 0 },
    });
  });

  it.each([
    ['no key', '', 401],
    ['an unknown key', 'key=pk_unknown', 401],
    ['too many variants', `variants=${Array.from({ length: 51 }, (_, i) => i).join(',')}`, 400],
    ['a variant id with markup', 'variants=%3Cscript%3E', 400],
    ['a locale with markup', 'locale=%3Cb%3E', 400],
  ])('rejects %s', async (_name, query, status) => {
    const shop = await shopWithVariant(t);
    const q = query.startsWith('key=') || query === '' ? query : `key=${shop.pk}&${query}`;
    const res = await t.call('GET', `/v1/storefront/config?${q}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
  });

  it("shows nothing of shop A's variants to shop B's key", async () => {
    await shopWithVariant(t);
    const b = await t.createShop('Other');
    const res = await t.call('GET', `/v1/storefront/config?key=${b.pk}&variants=4401`);
    expect(res.status).toBe(200);
    expect(res.body.variants).toEqual({});
  });
});

describe('storefront CORS', () => {
  it('grants an allowed origin on preflight and on the answer', async () => {
    const shop = await shopWithVariant(t);
    const pre = await t.call('OPTIONS', `/v1/storefront/signups?key=${shop.pk}`, {
      headers: { origin: 'https://acme.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://acme.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');

    const res = await t.call('POST', `/v1/storefront/signups?key=${shop.pk}`, {
      body: { variantId: '4401', email: 'bad' },
      headers: { origin: 'https://acme.example' },
    });
    // Errors are readable by the widget too, so it can show them inline.
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://acme.example');
  });

  it('refuses preflight from an origin the shop did not allow, or for an unknown key', async () => {
    const shop = await shopWithVariant(t);
    for (const [origin, key] of [
      ['https://evil.example', shop.pk],
      ['https://acme.example', 'pk_unknown'],
    ]) {
      const res = await t.call('OPTIONS', `/v1/storefront/config?key=${key}`, { headers: { origin: origin! } });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
