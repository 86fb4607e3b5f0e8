import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

describe('POST /v1/storefront/signups', () => {
  it('keeps strict FIFO positions, and a repeat keeps the place without handing out its token', async () => {
    const shop = await shopWithVariant(t);
    const a = await shop.signup({ email: 'a@example.com' });
    const b = await shop.signup({ email: 'B@Example.com ' });
    const c = await shop.signup({ email: 'c@example.com' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect([a.body.signup.position, b.body.signup.position, c.body.signup.position]).toEqual([1, 2, 3]);
    expect(a.body.signup).toMatchObject({ status: 'waiting', kind: 'waitlist', variantId: '4401' });

    const again = await shop.signup({ email: 'b@example.com' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ signup: { status: 'exists', variantId: '4401' } });
    expect(JSON.stringify(again.body)).not.toContain(b.body.signup.token);
    expect((await rowCounts(t)).signups).toBe(3);
    expect((await t.call('GET', `/v1/storefront/signups/${b.body.signup.token}`)).body.signup).toMatchObject({ status: 'waiting', position: 2 });
  });

  it('writes one confirmation per signup with both parts and one-click unsubscribe headers', async () => {
    const shop = await shopWithVariant(t, { eta: { earliest: '2026-04-01', latest: '2026-04-15' } }, { sender: { address: '1 Main St, Springfield' } });
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com' });
    const report = await t.dispatch();
    expect(report).toEqual({ sent: 2, failed: 0, retrying: 0 });

    const { body } = await shop.admin('GET', '/v1/admin/messages');
    expect(body.messages).toHaveLength(2);
    const [latest] = body.messages;
    expect(latest).toMatchObject({ template: 'signup-confirmation', channel: 'email', to: 'b@example.com', status: 'sent' });
    expect(latest.subject).toBe("You're #2 in line for Ocean Tee – S");
    expect(latest.headers['List-Unsubscribe']).toMatch(/^<https:\/\/waitline\.test\/u\/[\w-]+>$/);
    expect(latest.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(latest.text).toContain("You're #2 in line");
    expect(latest.text).toContain('Expected between Apr 1, 2026 and Apr 15, 2026.');
    expect(latest.text).toContain('1 Main St, Springfield');
    expect(latest.html).toContain('Leave this waitlist');
    expect(latest.html).toMatch(/href="https:\/\/waitline\.test\/u\/[\w-]+\?s=[\w-]+"/);
  });

  it('renders the confirmation in the shopper locale, with the shop overriding strings', async () => {
    const shop = await shopWithVariant(t, {}, { strings: { fr: { 'confirmation.heading.waitlist': 'Bienvenue dans la file' } } });
    await shop.signup({ email: 'a@example.com', locale: 'fr-FR' });
    await t.dispatch();
    const { body } = await shop.admin('GET', '/v1/admin/messages');
    expect(body.messages[0].subject).toBe('Vous êtes n°1 dans la file pour Ocean Tee – S');
    expect(body.messages[0].text).toMatch(/^Bienvenue dans la file/);
  });

  it('texts consenting phones once, with the STOP line on the first message only', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await t.createShop('Other');
    const first = await shop.signup({ phone: '+1 415 555 0123', smsConsent: true });
    expect(first.status).toBe(201);
    await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist' });
    await shop.signup({ phone: '+14155550123', smsConsent: true, variantId: '4402' });
    await t.dispatch();
    const { body } = await shop.admin('GET', '/v1/admin/messages?to=%2B14155550123');
    expect(body.messages.map((m: any) => m.channel)).toEqual(['sms', 'sms']);
    const [second, firstSms] = body.messages;
    expect(firstSms.text).toMatch(/Reply STOP to opt out\.$/);
    expect(second.text).not.toContain('STOP');
    expect(firstSms.text.length).toBeLessThanOrEqual(160);
  });

  it('holds SMS until quiet hours end in the shop time zone', async () => {
    t.clock.set('2026-03-02T22:30:00Z');
    const shop = await shopWithVariant(t, {}, { timezone: 'Europe/London', quietHours: { start: '21:00', end: '08:00' } });
    await shop.signup({ email: 'a@example.com', phone: '+14155550123', smsConsent: true });
    expect(await t.dispatch()).toMatchObject({ sent: 1 });
    t.clock.set('2026-03-03T07:59:00Z');
    expect(await t.dispatch()).toMatchObject({ sent: 0 });
    t.clock.set('2026-03-03T08:00:00Z');
    expect(await t.dispatch()).toMatchObject({ sent: 1 });
  });

  it('answers a filled honeypot like a success and keeps nothing', async () => {
    const shop = await shopWithVariant(t);
    const before = await rowCounts(t);
    const res = await shop.signup({ email: 'bot@example.com', website: 'http://spam.example' });
    expect(res.status).toBe(201);
    expect(res.body.signup.token).toEqual(expect.any(String));
    expect(await rowCounts(t)).toEqual(before);
  });

  it('waits as pending under double opt-in and sends only the confirmation link', async () => {
    const shop = await shopWithVariant(t, {}, { doubleOptIn: true });
    const res = await shop.signup({ email: 'a@example.com' });
    expect(res.body.signup).toMatchObject({ status: 'pending', position: null });
    await t.dispatch();
    const { body } = await shop.admin('GET', '/v1/admin/messages');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].template).toBe('signup-optin');
    const link = body.messages[0].text.match(/https:\/\/waitline\.test(\/confirm\/[\w-]+)/)[1];
    // The link is confirm-only: never the signup token the API handed out.
    expect(link).not.toContain(res.body.signup.token);
    // A mail scanner's GET only asks.
    const asked = await t.call('GET', link);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('<form method="post">');
    expect((await t.call('GET', `/v1/storefront/signups/${res.body.signup.token}`)).body.signup.status).toBe('pending');
    const confirmed = await t.call('POST', link);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toContain("You're #1 in line for Ocean Tee – S");
    const status = await t.call('GET', `/v1/storefront/signups/${res.body.signup.token}`);
    expect(status.body.signup).toMatchObject({ status: 'waiting', position: 1 });
    expect((await t.call('POST', link)).status).toBe(409);
    expect((await t.call('GET', link)).status).toBe(409);
  });

  it('turns pre-orders past the limit into waitlist signups', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder', preorderLimit: 3 });
    const a = await shop.signup({ email: 'a@example.com', quantity: 2 });
    const b = await shop.signup({ email: 'b@example.com', quantity: 2 });
    expect(a.body.signup.kind).toBe('preorder');
    expect(b.body.signup.kind).toBe('waitlist');
  });
});

describe('POST /v1/storefront/signups rejects bad input, storing and sending nothing', () => {
  const cases: Array<[string, Record<string, unknown> | string, number, string, string?]> = [
    ['malformed JSON', '{"email": "a@example.com",', 400, 'invalid_request'],
    ['no variant', { variantId: undefined, email: 'a@example.com' }, 400, 'invalid_request', 'variantId'],
    ['neither email nor phone', {}, 400, 'invalid_request', 'email'],
    ['an invalid email', { email: 'not-an-email' }, 400, 'invalid_request', 'email'],
    ['an empty email', { email: '' }, 400, 'invalid_request', 'email'],
    ['an invalid phone', { phone: '12345', smsConsent: true }, 400, 'invalid_request', 'phone'],
    ['a phone without SMS consent', { phone: '+14155550123' }, 400, 'invalid_request', 'email'],
    ['quantity 0', { email: 'a@example.com', quantity: 0 }, 400, 'invalid_request', 'quantity'],
    ['a negative quantity', { email: 'a@example.com', quantity: -1 }, 400, 'invalid_request', 'quantity'],
    ['a huge quantity', { email: 'a@example.com', quantity: 1e9 }, 400, 'invalid_request', 'quantity'],
    ['a fractional quantity', { email: 'a@example.com', quantity: 1.5 }, 400, 'invalid_request', 'quantity'],
    ['a quantity as text', { email: 'a@example.com', quantity: '2' }, 400, 'invalid_request', 'quantity'],
    ['an unknown kind', { email: 'a@example.com', kind: 'vip' }, 400, 'invalid_request', 'kind'],
    ['a script tag as locale', { email: 'a@example.com', locale: '<script>alert(1)</script>' }, 400, 'invalid_request', 'locale'],
    ['a script tag as variant id', { email: 'a@example.com', variantId: '<script>x</script>' }, 400, 'invalid_request', 'variantId'],
    ['an unknown field', { email: 'a@example.com', admin: true }, 400, 'invalid_request'],
    ['an unknown key', { email: 'a@example.com', key: 'pk_nope' }, 401, 'unauthorized'],
    ['no key', { email: 'a@example.com', key: undefined }, 401, 'unauthorized'],
    ['an unknown variant', { email: 'a@example.com', variantId: '999' }, 404, 'not_found'],
  ];

  it.each(cases)('%s → %i %s', async (_name, input, status, code, field) => {
    const shop = await shopWithVariant(t);
    const before = await rowCounts(t);
    const res =
      typeof input === 'string'
        ? await t.call('POST', '/v1/storefront/signups', { raw: input, headers: { 'content-type': 'application/json' } })
        : await shop.signup(input);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    if (field) expect(res.body.error.field).toBe(field);
    expect(JSON.stringify(res.body)).not.toMatch(/at .+\.ts:\d+/);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('rejects the secret key on a storefront route', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.signup({ email: 'a@example.com', key: shop.sk });
    expect(res.status).toBe(401);
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it('rejects a variant switched off', async () => {
    const shop = await shopWithVariant(t, { mode: 'off' });
    const res = await shop.signup({ email: 'a@example.com' });
    expect(res.status).toBe(409);
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it('rejects a browser origin the shop did not allow', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.signup({ email: 'a@example.com' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it('rejects bodies over 32 KiB with 413', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.signup({ email: 'a@example.com', website: '', locale: 'en', padding: 'x'.repeat(40_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await rowCounts(t)).signups).toBe(0);
  });

  it("never lets shop B's key sign up for shop A's variant", async () => {
    const a = await shopWithVariant(t);
    const b = await t.createShop('Other Shop');
    const res = await t.call('POST', '/v1/storefront/signups', { body: { key: b.pk, variantId: '4401', email: 'a@example.com' } });
    expect(res.status).toBe(404);
    expect((await rowCounts(t)).signups).toBe(0);
    expect((await a.admin('GET', '/v1/admin/signups')).body.signups).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limits signups per IP with 429 and Retry-After, and lets the next minute through', async () => {
    const shop = await shopWithVariant(t);
    const ip = { 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 20; i++) expect((await shop.signup({ email: `p${i}@example.com` }, ip)).status).toBe(201);
    const limited = await shop.signup({ email: 'p20@example.com' }, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await shop.signup({ email: 'other@example.com' }, { 'x-forwarded-for': '203.0.113.10' })).status).toBe(201);
    t.clock.advance(60_000);
    expect((await shop.signup({ email: 'p20@example.com' }, ip)).status).toBe(201);
    expect((await rowCounts(t)).signups).toBe(22);
  });

  it('limits repeated signups per email across IPs', async () => {
    const shop = await shopWithVariant(t);
    for (let i = 0; i < 5; i++) {
      expect((await shop.signup({ email: 'same@example.com' }, { 'x-forwarded-for': `198.51.100.${i}` })).status).toBeLessThan(300);
    }
    const limited = await shop.signup({ email: 'same@example.com' }, { 'x-forwarded-for': '198.51.100.99' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('GET and DELETE /v1/storefront/signups/:token', () => {
  it('shows the place and moves everyone behind up when one leaves', async () => {
    const shop = await shopWithVariant(t);
    const a = await shop.signup({ email: 'a@example.com' });
    const b = await shop.signup({ email: 'b@example.com' });
    expect((await t.call('GET', `/v1/storefront/signups/${b.body.signup.token}`)).body.signup).toMatchObject({ status: 'waiting', position: 2 });

    const gone = await t.call('DELETE', `/v1/storefront/signups/${a.body.signup.token}`);
    expect(gone.status).toBe(200);
    expect(gone.body.signup).toMatchObject({ status: 'cancelled', position: null });
    expect((await t.call('DELETE', `/v1/storefront/signups/${a.body.signup.token}`)).status).toBe(200);
    expect((await t.call('GET', `/v1/storefront/signups/${b.body.signup.token}`)).body.signup.position).toBe(1);

    const back = await shop.signup({ email: 'a@example.com' });
    expect(back.status).toBe(201);
    expect(back.body.signup.position).toBe(2);
  });

  it.each([
    ['GET', 'unknown token', 'AAAAAAAAAAAAAAAAAAAAAA', 404],
    ['GET', 'malformed token', 'bad<token>', 400],
    ['DELETE', 'unknown token', 'AAAAAAAAAAAAAAAAAAAAAA', 404],
  ])('%s with an %s → %i', async (method, _name, token, status) => {
    await shopWithVariant(t);
    expect((await t.call(method, `/v1/storefront/signups/${encodeURIComponent(token)}`)).status).toBe(status);
  });

  it("refuses another shop's origin for a token", async () => {
    const shop = await shopWithVariant(t);
    const a = await shop.signup({ email: 'a@example.com' });
    const res = await t.call('DELETE', `/v1/storefront/signups/${a.body.signup.token}`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await t.call('GET', `/v1/storefront/signups/${a.body.signup.token}`)).body.signup.status).toBe('waiting');
  });
});
