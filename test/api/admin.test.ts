import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

describe('admin authentication', () => {
  it.each(['/v1/admin/settings', '/v1/admin/variants', '/v1/admin/signups', '/v1/admin/messages'])('%s needs the secret key', async (path) => {
    const shop = await shopWithVariant(t);
    expect((await t.call('GET', path)).status).toBe(401);
    expect((await t.call('GET', path, { headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
    expect((await t.call('GET', path, { headers: { authorization: 'Bearer sk_wrong' } })).status).toBe(401);
    expect((await t.call('GET', path, { headers: { authorization: `Bearer ${shop.sk}` } })).status).toBe(200);
  });
});

describe('GET/PATCH /v1/admin/settings', () => {
  it('returns the defaults and changes only what a patch names', async () => {
    const shop = await t.createShop();
    const before = (await shop.admin('GET', '/v1/admin/settings')).body.settings;
    expect(before).toMatchObject({ holdDuration: 'PT24H', followUpAfter: 'PT6H', ranOutNotice: true, ranOutNoticeDepth: 500, attributionWindow: 'P7D', minimumRestock: 1, quietHours: { start: '21:00', end: '08:00' }, doubleOptIn: false, signupTtl: null });

    const res = await shop.admin('PATCH', '/v1/admin/settings', {
      holdDuration: 'PT30S',
      sender: { address: '1 Main St' },
      shopify: { domain: 'Acme.myshopify.com', webhookSecret: 'shhh-secret' },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({
      holdDuration: 'PT30S',
      followUpAfter: 'PT6H',
      sender: { name: 'Acme Goods', email: 'waitline@localhost', address: '1 Main St' },
      shopify: { domain: 'acme.myshopify.com', webhookSecret: '********' },
    });
    // A later patch naming other fields leaves these alone (not back to their defaults).
    const later = await shop.admin('PATCH', '/v1/admin/settings', { ranOutNotice: false });
    expect(later.body.settings).toMatchObject({ holdDuration: 'PT30S', ranOutNotice: false, sender: { address: '1 Main St' }, shopify: { domain: 'acme.myshopify.com' } });
    const echoed = await shop.admin('PATCH', '/v1/admin/settings', { shopify: res.body.settings.shopify, quietHours: null });
    expect(echoed.body.settings.quietHours).toBeNull();
    expect(JSON.stringify((await shop.admin('GET', '/v1/admin/settings')).body)).not.toContain('shhh-secret');
  });

  it.each([
    [{ holdDuration: '24h' }, 'holdDuration'],
    [{ holdDuration: 'PT0S' }, 'holdDuration'],
    [{ ranOutNoticeDepth: -1 }, 'ranOutNoticeDepth'],
    [{ minimumRestock: 0 }, 'minimumRestock'],
    [{ quietHours: { start: '25:00', end: '08:00' } }, 'quietHours.start'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ sender: { email: 'nope' } }, 'sender.email'],
    [{ sender: { name: '<script>alert(1)</script>' } }, 'sender.name'],
    [{ sender: { name: 'Acme\u0000' } }, 'sender.name'],
    [{ allowedOrigins: ['ftp://x'] }, 'allowedOrigins.0'],
    [{ strings: { en: { 'widget.button': '<b>Join</b>' } } }, 'strings.en.widget.button'],
    [{ shopify: { domain: 'evil.com', webhookSecret: 'abcdefgh' } }, 'shopify.domain'],
    [{ doubleOptIn: 'yes' }, 'doubleOptIn'],
    [{ unknownSetting: 1 }, undefined],
  ])('rejects %j', async (patch, field) => {
    const shop = await t.createShop();
    const before = (await shop.admin('GET', '/v1/admin/settings')).body;
    const res = await shop.admin('PATCH', '/v1/admin/settings', patch);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    if (field) expect(res.body.error.field).toBe(field);
    expect((await shop.admin('GET', '/v1/admin/settings')).body).toEqual(before);
  });

  it('keeps tabs and line breaks in text that may span lines', async () => {
    const shop = await t.createShop();
    const address = '1 Main St\r\nSpringfield\tIL';
    const res = await shop.admin('PATCH', '/v1/admin/settings', { sender: { address }, contact: 'Call us:\n0800 123 456' });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ sender: { address }, contact: 'Call us:\n0800 123 456' });
  });
});

describe('PUT/GET /v1/admin/variants', () => {
  it('creates with 201, updates named fields with 200, and lists with queue figures', async () => {
    const shop = await t.createShop('Acme Goods', { allowedOrigins: [] });
    const gid = `/v1/admin/variants/${encodeURIComponent('gid://shopify/ProductVariant/1')}`;
    const created = await shop.admin('PUT', gid, {
      productTitle: 'Tee',
      title: 'S',
      inventory: 3,
      eta: { earliest: '2026-04-01', latest: '2026-04-10' },
      tags: ['summer'],
    });
    expect(created.status).toBe(201);
    // Stored as the number Shopify's webhooks carry (test/api/shopify-gids.test.ts).
    expect(created.body.variant).toMatchObject({ id: '1', mode: 'waitlist', inventory: 3, available: 3, queueLength: 0, activeHolds: 0 });
    const updated = await shop.admin('PUT', gid, { mode: 'preorder', preorderLimit: 50 });
    expect(updated.status).toBe(200);
    expect(updated.body.variant).toMatchObject({ title: 'S', mode: 'preorder', preorderLimit: 50, preorderRemaining: 50, eta: { earliest: '2026-04-01', latest: '2026-04-10' } });

    for (let i = 0; i < 3; i++) await shop.admin('PUT', `/v1/admin/variants/v${i}`, { title: `V${i}` });
    const page1 = await shop.admin('GET', '/v1/admin/variants?limit=2');
    expect(page1.body.variants).toHaveLength(2);
    const page2 = await shop.admin('GET', `/v1/admin/variants?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.variants).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
  });

  it.each([
    [{ mode: 'sometimes' }, 'mode'],
    [{ inventory: 1.5 }, 'inventory'],
    [{ price: -1 }, 'price'],
    [{ currency: 'usd' }, 'currency'],
    [{ eta: { earliest: '2026-05-01', latest: '2026-04-01' } }, 'eta.latest'],
    [{ eta: { earliest: '2026-02-30', latest: '2026-04-01' } }, 'eta.earliest'],
    [{ eta: '2026-04-01' }, 'eta'],
    [{ title: '<script>alert(1)</script>' }, 'title'],
    [{ title: 'Tee\u0007' }, 'title'],
    [{ productTitle: 'Ocean\u001b[31m Tee' }, 'productTitle'],
    [{ url: 'javascript:alert(1)' }, 'url'],
    [{ preorderLimit: -5 }, 'preorderLimit'],
    [{ colour: 'blue' }, undefined],
  ])('rejects %j and stores nothing', async (body, field) => {
    const shop = await t.createShop();
    const res = await shop.admin('PUT', '/v1/admin/variants/v1', body);
    expect(res.status).toBe(400);
    if (field) expect(res.body.error.field).toBe(field);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants).toEqual([]);
  });

  it("keeps shop A's variant untouched when shop B writes the same id", async () => {
    const a = await shopWithVariant(t);
    const b = await t.createShop('Other');
    expect((await b.admin('PUT', '/v1/admin/variants/4401', { title: 'Hijack', inventory: 99 })).status).toBe(201);
    const [mine] = (await a.admin('GET', '/v1/admin/variants')).body.variants;
    expect(mine).toMatchObject({ title: 'S', inventory: 0 });
    expect((await b.admin('GET', '/v1/admin/variants')).body.variants.map((v: any) => v.title)).toEqual(['Hijack']);
  });
});

describe('GET /v1/admin/signups', () => {
  it('lists in FIFO order with positions, filters and a cursor', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    const emails = ['a', 'b', 'c', 'd', 'e'];
    const tokens: string[] = [];
    for (const [i, e] of emails.entries()) {
      const res = await shop.signup({ email: `${e}@example.com`, variantId: i % 2 ? '4402' : '4401' });
      tokens.push(res.body.signup.token);
    }
    await t.call('DELETE', `/v1/storefront/signups/${tokens[0]}`);

    const all = (await shop.admin('GET', '/v1/admin/signups')).body;
    expect(all.signups.map((s: any) => [s.email, s.variantId, s.status, s.position])).toEqual([
      ['a@example.com', '4401', 'cancelled', null],
      ['b@example.com', '4402', 'waiting', 1],
      ['c@example.com', '4401', 'waiting', 1],
      ['d@example.com', '4402', 'waiting', 2],
      ['e@example.com', '4401', 'waiting', 2],
    ]);
    const waiting = (await shop.admin('GET', '/v1/admin/signups?variantId=4401&status=waiting&limit=1')).body;
    expect(waiting.signups.map((s: any) => [s.email, s.position])).toEqual([['c@example.com', 1]]);
    const next = (await shop.admin('GET', `/v1/admin/signups?variantId=4401&status=waiting&limit=1&cursor=${waiting.nextCursor}`)).body;
    expect(next.signups.map((s: any) => [s.email, s.position])).toEqual([['e@example.com', 2]]);
    expect(next.nextCursor).toBeNull();
  });

  it.each(['status=bogus', 'limit=0', 'limit=501', 'cursor=abc', 'variantId=%3Cx%3E'])('rejects %s', async (q) => {
    const shop = await t.createShop();
    expect((await shop.admin('GET', `/v1/admin/signups?${q}`)).status).toBe(400);
  });

  it("never shows shop A's signups or messages to shop B", async () => {
    const a = await shopWithVariant(t);
    await a.signup({ email: 'secret@example.com' });
    await t.dispatch();
    const b = await t.createShop('Other');
    expect((await b.admin('GET', '/v1/admin/signups')).body.signups).toEqual([]);
    expect((await b.admin('GET', '/v1/admin/signups?variantId=4401')).body.signups).toEqual([]);
    expect((await b.admin('GET', '/v1/admin/messages?to=secret@example.com')).body.messages).toEqual([]);
    expect((await a.admin('GET', '/v1/admin/messages?to=SECRET@example.com')).body.messages).toHaveLength(1);
  });
});

describe('GET /v1/admin/messages', () => {
  it('lists newest first with filters and a cursor', async () => {
    const shop = await shopWithVariant(t);
    for (const e of ['a', 'b', 'c']) await shop.signup({ email: `${e}@example.com` });
    const first = (await shop.admin('GET', '/v1/admin/messages?limit=2')).body;
    expect(first.messages.map((m: any) => m.to)).toEqual(['c@example.com', 'b@example.com']);
    // Not dispatched yet, and already readable as it will be sent.
    expect(first.messages[0]).toMatchObject({ status: 'queued', sentAt: null, openedAt: null, clickedAt: null, subject: "You're #3 in line for Ocean Tee – S" });
    expect(first.messages[0].headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const rest = (await shop.admin('GET', `/v1/admin/messages?limit=2&cursor=${first.nextCursor}`)).body;
    expect(rest.messages.map((m: any) => m.to)).toEqual(['a@example.com']);
    expect((await shop.admin('GET', '/v1/admin/messages?template=signup-optin')).body.messages).toEqual([]);
    expect((await shop.admin('GET', '/v1/admin/messages?limit=1000')).status).toBe(400);
  });
});

describe('keys', () => {
  it('shows the publishable key and rotates the secret: the new one works, the old one does not', async () => {
    const shop = await shopWithVariant(t);
    const keys = await shop.admin('GET', '/v1/admin/keys');
    expect(keys.body).toEqual({ publishableKey: shop.pk, widgetTag: `<script src="https://waitline.test/widget.js" data-key="${shop.pk}" defer></script>` });
    const rotated = await shop.admin('POST', '/v1/admin/keys/rotate', { kind: 'secret' });
    expect(rotated.body.secretKey).toMatch(/^sk_[\w-]{30,}$/);
    expect((await shop.admin('GET', '/v1/admin/settings')).status).toBe(401);
    expect((await t.call('GET', '/v1/admin/settings', { headers: { authorization: `Bearer ${rotated.body.secretKey}` } })).status).toBe(200);
    // The storefront is untouched.
    expect((await shop.signup({ email: 'after@example.com' })).status).toBe(201);
    expect((await t.call('POST', '/v1/admin/keys/rotate', { body: { kind: 'secret' }, headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
  });
});
