import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
afterEach(() => t.cleanup());

const xff = (value: string) => ({ 'x-forwarded-for': value });

describe('X-Forwarded-For is read from the right, WAITLINE_TRUST_PROXY hops deep', () => {
  it('is a hop count; true and yes still mean one proxy', async () => {
    t = await setup();
    const hops = (v: string) => loadConfig({ WAITLINE_TRUST_PROXY: v }).trustProxy;
    expect([hops(''), hops('0'), hops('1'), hops('2'), hops('true'), hops('yes'), hops('off')]).toEqual([0, 0, 1, 2, 1, 1, 0]);
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(() => hops('many')).toThrow(/WAITLINE_TRUST_PROXY/);
  });

  it('behind one proxy, a client that rotates the leftmost entry is still one client: the 21st is 429', async () => {
    t = await setup({ WAITLINE_TRUST_PROXY: '1' });
    const shop = await shopWithVariant(t);
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await shop.signup({ email: `r${i}@example.com` }, xff(`198.51.100.${i}, 203.0.113.50`))).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
    // The address our proxy appended is who is limited, not the one the client made up.
    expect((await shop.signup({ email: 'other@example.com' }, xff('203.0.113.50, 203.0.113.51'))).status).toBe(201);
  });

  it('behind two proxies, the second from the right is the client', async () => {
    t = await setup({ WAITLINE_TRUST_PROXY: '2' });
    const shop = await shopWithVariant(t);
    // 21 clients through the same two proxies, each sending the same made-up leftmost entry: none is limited.
    for (let i = 0; i < 21; i++) expect((await shop.signup({ email: `c${i}@example.com` }, xff(`6.6.6.6, 192.0.2.${i}, 10.0.0.1`))).status).toBe(201);
    // One client through different inner proxies, rotating what it sends: limited at 21.
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await shop.signup({ email: `d${i}@example.com` }, xff(`6.6.${i}.6, 198.51.100.9, 10.0.0.${i}`))).status);
    expect(statuses.filter((s) => s === 429)).toEqual([429]);
  });
});

describe('bidi control characters', () => {
  it.each([
    ['U+202E right-to-left override', 'Ocean \u202Eeet'],
    ['U+2066 left-to-right isolate', 'Ocean \u2066Tee\u2069'],
    ['U+200F right-to-left mark', 'Ocean\u200F Tee'],
    ['U+061C Arabic letter mark', 'Ocean\u061C Tee'],
  ])('API text with %s is refused with 400 naming the field, and nothing is stored', async (_name, title) => {
    t = await setup();
    const shop = await t.createShop();
    const res = await shop.admin('PUT', '/v1/admin/variants/4401', { productTitle: title, mode: 'waitlist', inventory: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'productTitle' });
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants).toEqual([]);
    const settings = await shop.admin('PATCH', '/v1/admin/settings', { contact: `Call us \u202E654 321 0080` });
    expect(settings.status).toBe(400);
    expect(settings.body.error.field).toBe('contact');
  });
});

describe('a Shopify domain belongs to one shop', () => {
  const shopify = (domain: string) => ({ shopify: { domain, webhookSecret: 'shhh-secret' } });

  it('a second shop claiming a domain gets 409 naming the field, by PATCH or at creation', async () => {
    t = await setup();
    const a = await t.createShop('A');
    const b = await t.createShop('B');
    expect((await a.admin('PATCH', '/v1/admin/settings', shopify('acme.myshopify.com'))).status).toBe(200);
    const taken = await b.admin('PATCH', '/v1/admin/settings', shopify('ACME.myshopify.com'));
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'conflict', field: 'shopify.domain' });
    expect((await b.admin('GET', '/v1/admin/settings')).body.settings.shopify).toBeNull();
    await expect(t.createShop('C', shopify('acme.myshopify.com'))).rejects.toThrow(/409/);
    // Its own shop may send it again, and once A lets it go, B may take it.
    expect((await a.admin('PATCH', '/v1/admin/settings', shopify('acme.myshopify.com'))).status).toBe(200);
    expect((await a.admin('PATCH', '/v1/admin/settings', { shopify: null })).status).toBe(200);
    expect((await b.admin('PATCH', '/v1/admin/settings', shopify('acme.myshopify.com'))).status).toBe(200);
  });
});
