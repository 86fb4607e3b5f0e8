import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const HOUR = 3600_000;
const statusOf = async (token: string) => (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup;
const claimPath = (url: string) => url.replace('https://waitline.test', '');

async function line(shop: Shop, n: number, extra: Record<string, unknown> = {}) {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push((await shop.signup({ email: `p${i}@example.com`, ...extra })).body.signup.token);
  return tokens;
}

describe('hold expiry', () => {
  it('cascades an unclaimed hold down the line until the queue is empty, then the unit is public', async () => {
    const shop = await shopWithVariant(t, {}, { holdDuration: 'PT1H', followUpAfter: 'PT2H' });
    const tokens = await line(shop, 3);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect((await statusOf(tokens[0]!)).status).toBe('offered');

    t.clock.advance(HOUR - 1);
    expect(await runJobs(t)).toBe(0);
    t.clock.advance(1);
    await runJobs(t);
    expect((await statusOf(tokens[0]!)).status).toBe('expired');
    expect((await statusOf(tokens[1]!)).status).toBe('offered');
    const cascaded = (await allMessages(t)).filter((m) => m.template === 'offer' && m.to === 'p1@example.com');
    expect(cascaded[0]!.subject).toMatch(/^Your turn: Ocean Tee – S is held for you until/);
    expect(cascaded[0]!.text).toContain('A hold for someone ahead of you was not claimed. You were #1 in line');

    t.clock.advance(HOUR);
    await runJobs(t);
    t.clock.advance(HOUR);
    await runJobs(t);
    expect((await Promise.all(tokens.map(statusOf))).map((s) => s.status)).toEqual(['expired', 'expired', 'expired']);
    const config = await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401`);
    expect(config.body.variants['4401']).toMatchObject({ available: 1, queueLength: 0 });
  });
});

describe('GET /claim/:token', () => {
  it('sends an active hold to the product page with the hold token', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/products/tee?color=blue' });
    const [token] = await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const { offer } = await statusOf(token!);
    const res = await t.call('GET', claimPath(offer.claimUrl));
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin + url.pathname).toBe('https://acme.example/products/tee');
    expect(url.searchParams.get('color')).toBe('blue');
    expect(url.searchParams.get('waitline_hold')).toBe(offer.claimUrl.split('/').pop());
  });

  it('sends a Shopify shop to a cart permalink carrying the hold as a cart attribute', async () => {
    const shop = await shopWithVariant(t, {}, { shopify: { domain: 'acme.myshopify.com', webhookSecret: 'shpss_test_secret' } });
    await shop.admin('PUT', `/v1/admin/variants/${encodeURIComponent('gid://shopify/ProductVariant/44012345678901')}`, { title: 'S' });
    const res = await shop.signup({ email: 'a@example.com', variantId: 'gid://shopify/ProductVariant/44012345678901', quantity: 2 });
    await shop.admin('POST', `/v1/admin/variants/${encodeURIComponent('gid://shopify/ProductVariant/44012345678901')}/inventory`, { available: 2 });
    const { offer } = await statusOf(res.body.signup.token);
    const holdToken = offer.claimUrl.split('/').pop();
    const claim = await t.call('GET', claimPath(offer.claimUrl));
    expect(claim.headers.get('location')).toBe(`https://acme.myshopify.com/cart/44012345678901:2?attributes[waitline_hold]=${holdToken}`);
  });

  it('at the instant of expiry a claim and the expiry job agree: the hold has ended', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/p' }, { holdDuration: 'PT1H' });
    const tokens = await line(shop, 2);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const { offer } = await statusOf(tokens[0]!);
    t.clock.advance(HOUR - 1);
    expect((await t.call('GET', claimPath(offer.claimUrl))).status).toBe(302);
    t.clock.advance(1);
    const ended = await t.call('GET', claimPath(offer.claimUrl));
    expect(ended.status).toBe(410);
    expect(ended.body).toContain('This hold has ended');
    expect(ended.body).toContain('Join the line again');
    await runJobs(t);
    expect((await statusOf(tokens[0]!)).status).toBe('expired');
    expect((await statusOf(tokens[1]!)).status).toBe('offered');
  });

  it('lets the shopper of an ended hold rejoin at the back of the line', async () => {
    const shop = await shopWithVariant(t, {}, { holdDuration: 'PT1H' });
    const tokens = await line(shop, 3);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const { offer } = await statusOf(tokens[0]!);
    t.clock.advance(HOUR);
    await runJobs(t);
    const res = await t.call('POST', `${claimPath(offer.claimUrl)}/rejoin`);
    expect(res.status).toBe(201);
    expect(res.body).toContain("You're back in line for Ocean Tee – S: #2.");
    expect((await t.call('POST', `${claimPath(offer.claimUrl)}/rejoin`)).status).toBe(200);
  });

  it.each([
    ['a forged token', '/claim/AAAAAAAAAAAAAAAAAAAAAA', 404],
    ['a malformed token', '/claim/%3Cscript%3E', 400],
    ['rejoin with a forged token', '/claim/AAAAAAAAAAAAAAAAAAAAAA/rejoin', 404],
  ])('answers %s with %i', async (_name, path, status) => {
    await shopWithVariant(t);
    const method = path.endsWith('/rejoin') ? 'POST' : 'GET';
    expect((await t.call(method, path)).status).toBe(status);
  });

  it('an already used hold says so and offers no rejoin', async () => {
    const shop = await shopWithVariant(t, { price: 2500 });
    const [token] = await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const { offer } = await statusOf(token!);
    const holdToken = offer.claimUrl.split('/').pop();
    await shop.admin('POST', '/v1/admin/orders', {
      id: 'o-1', email: 'p0@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }], holdToken,
    });
    const used = await t.call('GET', claimPath(offer.claimUrl));
    expect(used.status).toBe(410);
    expect(used.body).toContain('This hold is no longer active.');
    expect(used.body).not.toContain('Join the line again');
  });
});

describe('leaving with a hold', () => {
  it.each(['cancel', 'unsubscribe'])('%s releases the hold to the next in line', async (how) => {
    const shop = await shopWithVariant(t);
    const tokens = await line(shop, 2);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    if (how === 'cancel') {
      expect((await t.call('DELETE', `/v1/storefront/signups/${tokens[0]}`)).status).toBe(200);
    } else {
      const offerMail = (await allMessages(t)).find((m) => m.template === 'offer')!;
      const path = offerMail.headers['List-Unsubscribe'].slice(1, -1).replace('https://waitline.test', '');
      await t.call('POST', path, { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    expect((await statusOf(tokens[0]!)).status).toBe(how === 'cancel' ? 'cancelled' : 'unsubscribed');
    expect((await statusOf(tokens[1]!)).status).toBe('offered');
    const [first] = (await allMessages(t)).filter((m) => m.template === 'offer');
    expect(first!.status).not.toBe('sent'); // the cancelled hold's own notice, still queued, is not sent
  });
});

describe('open and click tracking', () => {
  it('records the first open and a signed click, then redirects only to the signed target', async () => {
    const shop = await shopWithVariant(t);
    await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const mail = (await allMessages(t)).find((m) => m.template === 'offer')!;
    const pixel = mail.html.match(/https:\/\/waitline\.test(\/t\/o\/[\w-]+\.gif)/)[1];
    const click = mail.html.match(/https:\/\/waitline\.test(\/t\/c\/[^"]+)"/)[1].replace(/&amp;/g, '&');

    const gif = await t.call('GET', pixel);
    expect(gif.status).toBe(200);
    expect(gif.headers.get('content-type')).toBe('image/gif');
    const openedAt = (await allMessages(t)).find((m) => m.id === mail.id)!.openedAt?.getTime();
    expect(openedAt).toBe(t.clock.now().getTime());
    t.clock.advance(1000);
    await t.call('GET', pixel);
    expect((await allMessages(t)).find((m) => m.id === mail.id)!.openedAt?.getTime()).toBe(openedAt);

    const tampered = click.replace(/u=[^&]+/, `u=${encodeURIComponent('https://evil.example/phish')}`);
    const refused = await t.call('GET', tampered);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect((await allMessages(t)).find((m) => m.id === mail.id)!.clickedAt).toBeNull();
    expect((await t.call('GET', click.replace(/s=[\w-]+/, 's=forged'))).status).toBe(400);

    const followed = await t.call('GET', click);
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toMatch(/^https:\/\/waitline\.test\/claim\/[\w-]+$/);
    expect((await allMessages(t)).find((m) => m.id === mail.id)!.clickedAt?.getTime()).toBe(t.clock.now().getTime());
    expect((await t.call('GET', '/t/o/unknown-id-123.gif')).status).toBe(200);
  });
});

describe('follow-up', () => {
  it('reminds once, with a different subject and the time left, only holds nobody opened', async () => {
    const shop = await shopWithVariant(t, {}, { followUpAfter: 'PT6H', quietHours: null });
    await line(shop, 3);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
    const [opened] = (await allMessages(t)).filter((m) => m.template === 'offer');
    await t.call('GET', `/t/o/${opened!.publicId}.gif`);
    t.clock.advance(6 * HOUR);
    await runJobs(t);
    const followUps = (await allMessages(t)).filter((m) => m.template === 'offer-followup');
    expect(followUps.map((m) => m.to)).toEqual(['p1@example.com']);
    expect(followUps[0]!.subject).toBe('Still held for you: Ocean Tee – S, 18 hours left');
    expect(followUps[0]!.subject).not.toBe((await allMessages(t)).find((m) => m.template === 'offer')!.subject);
    // Never more than one: the job is done, and a second run writes nothing.
    t.clock.advance(HOUR);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer-followup')).toHaveLength(1);
  });

  it('waits for quiet hours to end rather than dropping the reminder', async () => {
    t.clock.set('2026-03-02T15:00:00Z');
    const shop = await shopWithVariant(t, {}, { followUpAfter: 'PT6H', quietHours: { start: '21:00', end: '08:00' }, timezone: 'UTC' });
    await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    t.clock.advance(6 * HOUR);
    await runJobs(t);
    const [followUp] = (await allMessages(t)).filter((m) => m.template === 'offer-followup');
    expect(followUp!.sendAfter.toISOString()).toBe('2026-03-03T08:00:00.000Z');
  });

  it('sends none for a hold an order claimed, or when the hold ends first', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/p' }, { followUpAfter: 'PT6H', holdDuration: 'PT8H', quietHours: null });
    const tokens = await line(shop, 2);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
    const holdToken = (await statusOf(tokens[0]!)).offer.claimUrl.split('/claim/')[1];
    await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', email: 'p0@example.com', currency: 'USD', total: 2500, holdToken, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    await t.call('DELETE', `/v1/storefront/signups/${tokens[1]}`);
    t.clock.advance(6 * HOUR);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer-followup')).toEqual([]);
  });

  it('still sends it after a GET of the claim link (a mail scanner): only an order claims a hold', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/p' }, { followUpAfter: 'PT6H', holdDuration: 'PT8H', quietHours: null });
    const [token] = await line(shop, 1);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const claim = await t.call('GET', claimPath((await statusOf(token!)).offer.claimUrl));
    expect(claim.status).toBe(302);
    expect((await statusOf(token!)).status).toBe('offered');
    const offer = (await first<Record<string, unknown>>(t.deps.db, sql`select claimed_at as claimed, clicked_at as clicked, status from offers`))!;
    expect(offer).toMatchObject({ claimed: null, status: 'active' });
    expect(offer.clicked).not.toBeNull();
    t.clock.advance(6 * HOUR);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer-followup').map((m) => m.to)).toEqual(['p0@example.com']);
  });

});
