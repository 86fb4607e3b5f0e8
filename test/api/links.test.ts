import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function confirmationFor(shop: Awaited<ReturnType<typeof shopWithVariant>>, email: string) {
  await t.dispatch();
  const { body } = await shop.admin('GET', `/v1/admin/messages?to=${encodeURIComponent(email)}`);
  const message = body.messages.find((m: any) => m.template === 'signup-confirmation');
  const unsubscribe = message.headers['List-Unsubscribe'].slice(1, -1).replace('https://waitline.test', '');
  const leave = message.html.match(/href="https:\/\/waitline\.test(\/u\/[\w-]+\?s=[\w-]+)"/)[1].replace(/&amp;/g, '&');
  return { unsubscribe, leave };
}

describe('/u/:token', () => {
  it('GET shows a page and changes nothing; one-click POST unsubscribes and later emails are not sent', async () => {
    const shop = await shopWithVariant(t);
    const signup = await shop.signup({ email: 'a@example.com' });
    const { unsubscribe } = await confirmationFor(shop, 'a@example.com');

    const page = await t.call('GET', unsubscribe);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('Stop all emails from Acme Goods to a@example.com?');
    expect((await t.call('GET', `/v1/storefront/signups/${signup.body.signup.token}`)).body.signup.status).toBe('waiting');

    const res = await t.call('POST', unsubscribe, { raw: 'List-Unsubscribe=One-Click', headers: form });
    expect(res.status).toBe(200);
    expect(res.body).toContain('You are unsubscribed');
    expect((await t.call('GET', `/v1/storefront/signups/${signup.body.signup.token}`)).body.signup.status).toBe('unsubscribed');
    expect((await t.call('POST', unsubscribe, { raw: 'List-Unsubscribe=One-Click', headers: form })).status).toBe(200);

    // A message queued for the contact before the opt-out is stopped at dispatch.
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    const again = await shop.signup({ email: 'a@example.com', variantId: '4402' });
    expect(again.status).toBe(201); // a new explicit signup is a new request for email
  });

  it('keeps places reachable by SMS when only email is unsubscribed', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    const signup = await shop.signup({ email: 'a@example.com', phone: '+14155550142', smsConsent: true });
    const { unsubscribe } = await confirmationFor(shop, 'a@example.com');
    await t.call('POST', unsubscribe, { raw: 'List-Unsubscribe=One-Click', headers: form });
    expect((await t.call('GET', `/v1/storefront/signups/${signup.body.signup.token}`)).body.signup.status).toBe('waiting');
  });

  it('suppresses emails still queued when the shopper unsubscribes', async () => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'a@example.com' });
    const { unsubscribe } = await confirmationFor(shop, 'a@example.com');
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M' });
    await shop.signup({ email: 'a@example.com', variantId: '4402' });
    await shop.signup({ email: 'b@example.com', variantId: '4402' });
    await t.call('POST', unsubscribe, { raw: '', headers: form });
    expect(await t.dispatch()).toMatchObject({ sent: 1 });
    const { body } = await shop.admin('GET', '/v1/admin/messages');
    expect(body.messages.map((m: any) => [m.to, m.status])).toEqual([
      ['b@example.com', 'sent'],
      ['a@example.com', 'suppressed'],
      ['a@example.com', 'sent'],
    ]);
  });

  it('the leave link takes the shopper out of that one line', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M' });
    const s = await shop.signup({ email: 'a@example.com' });
    const m = await shop.signup({ email: 'a@example.com', variantId: '4402' });
    const { leave } = await confirmationFor(shop, 'a@example.com');
    const page = await t.call('GET', leave);
    expect(page.body).toContain('Leave the waitlist for Ocean Tee');
    const [path, query] = leave.split('?');
    const res = await t.call('POST', path!, { raw: `action=leave&${query}`, headers: form });
    expect(res.status).toBe(200);
    expect(res.body).toContain('You have left the waitlist for Ocean Tee');
    const statuses = await Promise.all(
      [s, m].map(async (x) => (await t.call('GET', `/v1/storefront/signups/${x.body.signup.token}`)).body.signup.status),
    );
    expect(statuses.sort()).toEqual(['cancelled', 'waiting']);
  });

  it('answers unknown tokens with a 404 page and bad ones with 400', async () => {
    expect((await t.call('GET', '/u/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await t.call('POST', '/u/AAAAAAAAAAAAAAAAAAAAAA', { raw: '', headers: form })).status).toBe(404);
    expect((await t.call('GET', '/u/%3Cscript%3E')).status).toBe(400);
    expect((await t.call('GET', '/confirm/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });

  it("cannot use one contact's link to leave another contact's place", async () => {
    const shop = await shopWithVariant(t);
    const victim = await shop.signup({ email: 'victim@example.com' });
    await shop.signup({ email: 'attacker@example.com' });
    const { unsubscribe } = await confirmationFor(shop, 'attacker@example.com');
    const res = await t.call('POST', unsubscribe, { raw: `action=leave&s=${victim.body.signup.token}`, headers: form });
    expect(res.status).toBe(404);
    expect((await t.call('GET', `/v1/storefront/signups/${victim.body.signup.token}`)).body.signup.status).toBe('waiting');
  });
});
