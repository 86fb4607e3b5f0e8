import { afterEach, beforeEach, expect, it } from 'vitest';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const HOUR = 3600_000;

/**
 * The seed's example, end to end: 350 waiting, 200 restocked. Every number is
 * checked against what a merchant would expect to see.
 */
it('350 waiting, 200 restocked: offers, honest notices, cascade, follow-ups and the funnel', async () => {
  const shop = await shopWithVariant(t, { price: 2500, url: 'https://acme.example/products/tee' }, { holdDuration: 'PT24H', followUpAfter: 'PT6H', quietHours: null });
  const tokens: string[] = [];
  for (let i = 0; i < 350; i++) tokens.push((await shop.signup({ email: `s${i}@example.com` })).body.signup.token);

  const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 200 });
  expect(restock.body.allocation).toEqual({ backordersServed: 0, offered: 200, unitsHeld: 200, stillWaiting: 150 });
  const offers = (await allMessages(t)).filter((m) => m.template === 'offer');
  expect(offers.map((m) => m.to)).toEqual(Array.from({ length: 200 }, (_, i) => `s${i}@example.com`));
  offers.forEach((m, i) => expect(m.text).toContain(`200 were restocked and you were #${i + 1} in line`));
  const notices = (await allMessages(t)).filter((m) => m.template === 'ran-out');
  expect(notices).toHaveLength(150);
  notices.forEach((m, k) => {
    expect(m.to).toBe(`s${200 + k}@example.com`);
    expect(m.subject).toContain(`you're #${k + 1} in line`);
  });

  // 120 of the 200 open their offer within the hour.
  t.clock.advance(HOUR);
  for (const m of offers.slice(0, 120)) await t.call('GET', `/t/o/${m.publicId}.gif`);

  // At followUpAfter the 80 who did not open get one reminder each; openers get none.
  t.clock.advance(5 * HOUR);
  await runJobs(t);
  const followUps = (await allMessages(t)).filter((m) => m.template === 'offer-followup');
  expect(followUps.map((m) => m.to).sort()).toEqual(offers.slice(120).map((m) => m.to).sort());

  // 150 holders buy with their hold; the other 50 holds expire and go to the next 50.
  t.clock.advance(6 * HOUR);
  // A buyer follows the claim link to checkout; the hold token comes back on the order.
  const holdOf = async (token: string) => {
    const { claimUrl } = (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup.offer;
    const claim = await t.call('GET', claimUrl.replace('https://waitline.test', ''));
    return new URL(claim.headers.get('location')!).searchParams.get('waitline_hold');
  };
  const buy = async (i: number) =>
    shop.admin('POST', '/v1/admin/orders', {
      id: `order-${i}`,
      email: `s${i}@example.com`,
      currency: 'USD',
      total: 2500,
      lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }],
      holdToken: await holdOf(tokens[i]!),
    });
  for (let i = 0; i < 150; i++) expect((await buy(i)).status).toBe(201);
  t.clock.advance(12 * HOUR);
  await runJobs(t);
  const states = async (from: number, to: number) =>
    Promise.all(tokens.slice(from, to).map(async (tk) => (await t.call('GET', `/v1/storefront/signups/${tk}`)).body.signup.status));
  expect(new Set(await states(0, 150))).toEqual(new Set(['purchased']));
  expect(new Set(await states(150, 200))).toEqual(new Set(['expired']));
  expect(new Set(await states(200, 250))).toEqual(new Set(['offered']));
  expect(new Set(await states(250, 350))).toEqual(new Set(['waiting']));
  const cascaded = (await allMessages(t)).filter((m) => m.template === 'offer').slice(200);
  expect(cascaded.map((m) => m.to)).toEqual(Array.from({ length: 50 }, (_, i) => `s${200 + i}@example.com`));

  // 30 of the next 50 buy; the funnel counts every step.
  t.clock.advance(2 * HOUR);
  for (let i = 200; i < 230; i++) expect((await buy(i)).status).toBe(201);
  const funnel = (await shop.admin('GET', '/v1/admin/analytics/funnel')).body;
  expect(funnel).toMatchObject({
    signups: 350,
    offered: 250,
    // The 120 who opened, and the 60 buyers who had not: following a claim link implies the open.
    opened: 180,
    clicked: 180,
    purchased: 180,
    direct: 180,
    assisted: 0,
    expired: 50,
    revenue: 180 * 2500,
    currency: 'USD',
    conversionRate: 0.72,
  });
  expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ inventory: 20, activeHolds: 20, available: 0, queueLength: 100 });
  // Hundreds of requests, each its own commit: on PostgreSQL each is a round trip, slower still beside other suites.
}, 120_000);
