import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const inventory = (shop: Shop, body: Record<string, unknown>, id = '4401') => shop.admin('POST', `/v1/admin/variants/${id}/inventory`, body);
const statusOf = async (token: string) => (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup;

async function line(shop: Shop, quantities: number[]) {
  const tokens: string[] = [];
  for (const [i, quantity] of quantities.entries()) {
    const res = await shop.signup({ email: `p${i}@example.com`, quantity });
    tokens.push(res.body.signup.token);
  }
  return tokens;
}

describe('POST /v1/admin/variants/:id/inventory', () => {
  it('offers restocked units in strict FIFO order, holds them from the public and tells the rest the truth', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/products/tee' });
    const tokens = await line(shop, [1, 1, 1, 1, 1]);
    const res = await inventory(shop, { available: 3 });
    expect(res.status).toBe(200);
    expect(res.body.allocation).toEqual({ backordersServed: 0, offered: 3, unitsHeld: 3, stillWaiting: 2 });
    expect(res.body.variant).toMatchObject({ inventory: 3, activeHolds: 3, available: 0, queueLength: 2 });

    const states = await Promise.all(tokens.map(statusOf));
    expect(states.map((s) => [s.status, s.position])).toEqual([
      ['offered', null],
      ['offered', null],
      ['offered', null],
      ['waiting', 1],
      ['waiting', 2],
    ]);
    expect(states[0].offer.claimUrl).toMatch(/^https:\/\/waitline\.test\/claim\/[\w-]+$/);
    expect(new Date(states[0].offer.expiresAt).getTime() - t.clock.now().getTime()).toBe(24 * 3600_000);

    const config = await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401`);
    expect(config.body.variants['4401']).toMatchObject({ available: 0, queueLength: 2 });

    const sent = (await allMessages(t)).filter((m) => m.template !== 'signup-confirmation');
    const offers = sent.filter((m) => m.template === 'offer');
    expect(offers.map((m) => [m.to, m.subject])).toEqual([
      ['p0@example.com', expect.stringMatching(/^It's back: Ocean Tee – S is held for you until Mar 3, 2026, 12:00 PM \(UTC\)$/)],
      ['p1@example.com', expect.any(String)],
      ['p2@example.com', expect.any(String)],
    ]);
    expect(offers[1]!.text).toContain('3 were restocked and you were #2 in line, so 1 is held for you until');
    expect(offers[0]!.html).toMatch(/src="https:\/\/waitline\.test\/t\/o\/[\w-]+\.gif"/);
    expect(offers[0]!.html).toMatch(/href="https:\/\/waitline\.test\/t\/c\/[\w-]+\?u=https%3A%2F%2Fwaitline\.test%2Fclaim%2F[\w-]+&amp;s=[\w-]+"/);
    const notices = sent.filter((m) => m.template === 'ran-out');
    expect(notices.map((m) => [m.to, m.subject])).toEqual([
      ['p3@example.com', "Not this time: Ocean Tee – S sold out again, you're #1 in line"],
      ['p4@example.com', "Not this time: Ocean Tee – S sold out again, you're #2 in line"],
    ]);
    expect(notices[0]!.text).toContain('3 were restocked, and all of them are held for people ahead of you.');
  });

  it('skips a signup whose quantity does not fit, and it keeps its place', async () => {
    const shop = await shopWithVariant(t);
    const tokens = await line(shop, [3, 1, 2, 1]);
    const res = await inventory(shop, { available: 2 });
    expect(res.body.allocation).toMatchObject({ offered: 2, unitsHeld: 2, stillWaiting: 2 });
    const states = await Promise.all(tokens.map(statusOf));
    expect(states.map((s) => [s.status, s.position])).toEqual([
      ['waiting', 1],
      ['offered', null],
      ['waiting', 2],
      ['offered', null],
    ]);
    const offers = (await allMessages(t)).filter((m) => m.template === 'offer');
    expect(offers.map((m) => m.text.match(/you were #(\d+) in line/)[1])).toEqual(['2', '4']);
  });

  it('offers only the rise above zero and never holds more than the stock', async () => {
    const shop = await shopWithVariant(t, {}, { minimumRestock: 5 });
    await line(shop, [1, 1, 1, 1, 1, 1]);
    // Below the minimum nobody is told and the units stay public.
    expect((await inventory(shop, { available: 2 })).body.allocation).toMatchObject({ offered: 0 });
    expect((await allMessages(t)).filter((m) => m.template !== 'signup-confirmation')).toEqual([]);
    expect((await t.call('GET', `/v1/storefront/config?key=${shop.pk}&variants=4401`)).body.variants['4401'].available).toBe(2);
    const res = await inventory(shop, { adjust: 5 });
    expect(res.body.allocation).toMatchObject({ offered: 5, unitsHeld: 5, stillWaiting: 1 });
    expect(res.body.variant).toMatchObject({ inventory: 7, activeHolds: 5, available: 2 });
  });

  it('gives the part of a rise below zero to backorders and allocates only the part above', async () => {
    const shop = await shopWithVariant(t, { inventory: -3 });
    await line(shop, [1, 1, 1, 1]);
    const res = await inventory(shop, { available: 2 });
    expect(res.body.allocation).toMatchObject({ offered: 2, unitsHeld: 2, stillWaiting: 2 });
  });

  it('setting the same number again changes nothing', async () => {
    const shop = await shopWithVariant(t);
    await line(shop, [1, 1, 1]);
    await inventory(shop, { available: 2 });
    const before = (await allMessages(t)).length;
    const again = await inventory(shop, { available: 2 });
    expect(again.body.allocation).toMatchObject({ offered: 0 });
    expect((await allMessages(t))).toHaveLength(before);
  });

  it('withdraws the newest holds when stock falls below what is held; those people keep their place', async () => {
    const shop = await shopWithVariant(t);
    const tokens = await line(shop, [1, 1, 1, 1]);
    await inventory(shop, { available: 3 });
    const res = await inventory(shop, { available: 1 });
    expect(res.body.variant).toMatchObject({ inventory: 1, activeHolds: 1, available: 0 });
    const states = await Promise.all(tokens.map(statusOf));
    expect(states.map((s) => [s.status, s.position])).toEqual([
      ['offered', null],
      ['waiting', 1],
      ['waiting', 2],
      ['waiting', 3],
    ]);
    const withdrawn = (await allMessages(t)).filter((m) => m.template === 'offer-withdrawn');
    expect(withdrawn.map((m) => [m.to, m.text.match(/you are #(\d)/)[1]])).toEqual([
      ['p2@example.com', '2'],
      ['p1@example.com', '1'],
    ]);
  });

  it('a PUT that raises inventory allocates like the inventory route', async () => {
    const shop = await shopWithVariant(t);
    await line(shop, [1, 1]);
    const res = await shop.admin('PUT', '/v1/admin/variants/4401', { inventory: 1 });
    expect(res.body.variant).toMatchObject({ inventory: 1, activeHolds: 1, queueLength: 1 });
  });

  it('caps the "still #k" notices at ranOutNoticeDepth, and sends none when ranOutNotice is off', async () => {
    const shop = await shopWithVariant(t, {}, { ranOutNoticeDepth: 2 });
    await line(shop, [1, 1, 1, 1, 1]);
    await inventory(shop, { available: 1 });
    expect((await allMessages(t)).filter((m) => m.template === 'ran-out')).toHaveLength(2);
    await shop.admin('PATCH', '/v1/admin/settings', { ranOutNotice: false });
    await inventory(shop, { available: 2 });
    expect((await allMessages(t)).filter((m) => m.template === 'ran-out')).toHaveLength(2);
  });
});

describe('inventory input that is refused, changing nothing', () => {
  it.each([
    [{ available: -1 }, 400, 'available'],
    [{ available: 1.5 }, 400, undefined],
    [{ available: '3' }, 400, undefined],
    [{ adjust: 0 }, 400, undefined],
    [{ adjust: -5 }, 400, 'adjust'],
    [{ available: 1, adjust: 1 }, 400, undefined],
    [{}, 400, undefined],
  ])('%j → %i', async (body, status, field) => {
    const shop = await shopWithVariant(t, { inventory: 2 });
    await line(shop, [1]);
    const before = (await allMessages(t)).length;
    const res = await inventory(shop, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('invalid_request');
    if (field) expect(res.body.error.field).toBe(field);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ inventory: 2, activeHolds: 0 });
    expect((await allMessages(t))).toHaveLength(before);
  });

  it("answers 404 for an unknown variant and for another shop's variant", async () => {
    const a = await shopWithVariant(t);
    await line(a, [1]);
    const b = await t.createShop('Other');
    expect((await inventory(a, { available: 5 }, 'nope')).status).toBe(404);
    expect((await b.admin('POST', '/v1/admin/variants/4401/inventory', { available: 5 })).status).toBe(404);
    expect((await a.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ inventory: 0, activeHolds: 0 });
  });
});
