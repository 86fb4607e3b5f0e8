import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const DAY = 86_400_000;
const statusOf = async (token: string) => (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup;
const order = (shop: Shop, over: Record<string, unknown> = {}) =>
  shop.admin('POST', '/v1/admin/orders', {
    id: 'o-1',
    email: 'p0@example.com',
    currency: 'USD',
    total: 2500,
    lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }],
    ...over,
  });
const variantOf = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0];

async function offeredLine(shop: Shop, n: number, units: number) {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push((await shop.signup({ email: `p${i}@example.com` })).body.signup.token);
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: units });
  return tokens;
}

describe('POST /v1/admin/orders', () => {
  it('a hold token makes a direct conversion and the held unit is sold, not passed on', async () => {
    const shop = await shopWithVariant(t);
    const tokens = await offeredLine(shop, 2, 1);
    const holdToken = (await statusOf(tokens[0]!)).offer.claimUrl.split('/').pop();
    const res = await order(shop, { holdToken });
    expect(res.status).toBe(201);
    expect(res.body.order.lines).toEqual([{ variantId: '4401', quantity: 1, price: 2500, fromHold: 1, fromStock: 0, backordered: 0 }]);
    expect(res.body.conversions).toEqual([{ signupId: expect.any(Number), attribution: 'direct', revenue: 2500, currency: 'USD' }]);
    expect((await statusOf(tokens[0]!)).status).toBe('purchased');
    expect((await statusOf(tokens[1]!)).status).toBe('waiting');
    expect(await variantOf(shop)).toMatchObject({ inventory: 0, activeHolds: 0, available: 0 });
    await runJobs(t); // nothing to cascade: the unit was sold
    t.clock.advance(2 * DAY);
    await runJobs(t);
    expect((await statusOf(tokens[1]!)).status).toBe('waiting');
  });

  it('does not count a repeated order id twice', async () => {
    const shop = await shopWithVariant(t, { inventory: 5 });
    await order(shop, { email: 'someone@example.com' });
    const before = { ...(await rowCounts(t)), variant: await variantOf(shop) };
    const again = await order(shop, { email: 'someone@example.com' });
    expect(again.status).toBe(200);
    expect(again.body.order.lines[0]).toMatchObject({ fromStock: 1 });
    expect({ ...(await rowCounts(t)), variant: await variantOf(shop) }).toEqual(before);
    expect(before.variant.inventory).toBe(4);
  });

  it('credits an offered contact without the token: assisted, or direct after a tracked click', async () => {
    const shop = await shopWithVariant(t);
    await offeredLine(shop, 2, 2);
    const click = (await allMessages(t)).find((m) => m.template === 'offer' && m.to === 'p1@example.com')!;
    const link = click.html.match(/https:\/\/waitline\.test(\/t\/c\/[^"]+)"/)[1].replace(/&amp;/g, '&');
    await t.call('GET', link);
    const a = await order(shop, { id: 'o-a', email: 'P0@example.com' });
    const b = await order(shop, { id: 'o-b', email: 'p1@example.com' });
    expect(a.body.conversions[0].attribution).toBe('assisted');
    expect(b.body.conversions[0].attribution).toBe('direct');
    expect(a.body.order.lines[0].fromHold).toBe(1);
  });

  it('credits nothing outside the attribution window, but the place is settled', async () => {
    const shop = await shopWithVariant(t, {}, { attributionWindow: 'P1D', holdDuration: 'PT1H' });
    const tokens = await offeredLine(shop, 1, 1);
    t.clock.advance(2 * DAY);
    await runJobs(t);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const res = await order(shop);
    expect(res.body.conversions).toEqual([]);
    expect(res.body.order.lines[0]).toMatchObject({ fromHold: 0, fromStock: 1 });
    expect((await statusOf(tokens[0]!)).status).toBe('purchased');
  });

  it('takes fulfillable units first and records the shortfall as backordered, letting inventory go below zero', async () => {
    const shop = await shopWithVariant(t, { inventory: 2 });
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', inventory: 9 });
    const res = await order(shop, { email: 'x@example.com', lineItems: [{ variantId: '4401', quantity: 5, price: 100 }, { variantId: '4402', quantity: 1, price: 50 }] });
    expect(res.body.order.lines).toEqual([
      { variantId: '4401', quantity: 5, price: 100, fromHold: 0, fromStock: 2, backordered: 3 },
      { variantId: '4402', quantity: 1, price: 50, fromHold: 0, fromStock: 1, backordered: 0 },
    ]);
    expect(res.body.backorders).toEqual([{ id: expect.any(Number), variantId: '4401', quantity: 3 }]);
    expect(await variantOf(shop)).toMatchObject({ inventory: -3, available: 0 });
  });

  it('ignores a hold token from another shop', async () => {
    const a = await shopWithVariant(t);
    const [token] = await offeredLine(a, 1, 1);
    const holdToken = (await statusOf(token!)).offer.claimUrl.split('/').pop();
    const b = await t.createShop('Other');
    await b.admin('PUT', '/v1/admin/variants/4401', { title: 'B', inventory: 1 });
    const res = await b.admin('POST', '/v1/admin/orders', {
      id: 'o-x', email: 'p0@example.com', currency: 'USD', total: 1, lineItems: [{ variantId: '4401', quantity: 1, price: 1 }], holdToken,
    });
    expect(res.status).toBe(201);
    expect(res.body.conversions).toEqual([]);
    expect((await statusOf(token!)).status).toBe('offered');
  });

  it.each([
    [{ id: undefined }, 'id'],
    [{ currency: 'usd' }, 'currency'],
    [{ total: -1 }, 'total'],
    [{ lineItems: [] }, 'lineItems'],
    [{ lineItems: [{ variantId: '4401', quantity: 0, price: 1 }] }, 'lineItems.0.quantity'],
    [{ lineItems: [{ variantId: '4401', quantity: 1.5, price: 1 }] }, 'lineItems.0.quantity'],
    [{ email: 'nope' }, 'email'],
    [{ holdToken: '<script>' }, 'holdToken'],
    [{ extra: 1 }, undefined],
    [{ email: undefined }, 'email'],
    [{ lineItems: [{ variantId: 'nope', quantity: 1, price: 1 }] }, 'lineItems.0.variantId'],
    [{ lineItems: [{ variantId: '4401', quantity: -2, price: 1 }] }, 'lineItems.0.quantity'],
  ])('rejects %j and changes nothing', async (over, field) => {
    const shop = await shopWithVariant(t, { inventory: 3 });
    const before = await rowCounts(t);
    const res = await order(shop, over);
    expect(res.status).toBe(400);
    if (field) expect(res.body.error.field).toBe(field);
    expect(await rowCounts(t)).toEqual(before);
    expect((await variantOf(shop)).inventory).toBe(3);
  });
});

describe('GET /v1/admin/analytics/funnel', () => {
  it('counts signups, offers, opens, clicks, purchases, expiries and revenue for a period', async () => {
    const shop = await shopWithVariant(t, {}, { holdDuration: 'PT2H' });
    await offeredLine(shop, 4, 3);
    const offers = (await allMessages(t)).filter((m) => m.template === 'offer');
    await t.call('GET', `/t/o/${offers[0]!.publicId}.gif`);
    await t.call('GET', `/t/o/${offers[1]!.publicId}.gif`);
    await t.call('GET', offers[1]!.html.match(/https:\/\/waitline\.test(\/t\/c\/[^"]+)"/)[1].replace(/&amp;/g, '&'));
    t.clock.advance(3_600_000);
    await order(shop, { id: 'o-1', email: 'p1@example.com', lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    await order(shop, { id: 'o-2', email: 'p0@example.com', lineItems: [{ variantId: '4401', quantity: 1, price: 3000 }] });
    t.clock.advance(3_600_000);
    await runJobs(t); // p2's hold expires; p3 is offered

    const res = await shop.admin('GET', '/v1/admin/analytics/funnel');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      signups: 4,
      offered: 4,
      opened: 2,
      clicked: 1,
      purchased: 2,
      direct: 1,
      assisted: 1,
      expired: 1,
      revenue: 5500,
      revenueDirect: 2500,
      revenueAssisted: 3000,
      currency: 'USD',
      conversionRate: 0.5,
      medianHoursToPurchase: 1,
    });
    const variantOnly = await shop.admin('GET', '/v1/admin/analytics/funnel?variantId=other');
    expect(variantOnly.body).toMatchObject({ signups: 0, offered: 0, purchased: 0 });
    const past = await shop.admin('GET', '/v1/admin/analytics/funnel?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z');
    expect(past.body).toMatchObject({ signups: 0, offered: 0, medianHoursToPurchase: null });
    expect((await shop.admin('GET', '/v1/admin/analytics/funnel?from=yesterday')).status).toBe(400);
    const b = await t.createShop('Other');
    expect((await b.admin('GET', '/v1/admin/analytics/funnel')).body).toMatchObject({ signups: 0, offered: 0, purchased: 0, revenue: 0 });
  });
});
