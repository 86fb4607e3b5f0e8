import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PATH = '/v1/admin/analytics/timeseries';
type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const zero = (date: string) => ({ date, signups: 0, offered: 0, purchased: 0, revenue: 0 });
const holdToken = async (token: string) =>
  (await t.call('GET', `/v1/storefront/signups/${token}`)).body.signup.offer.claimUrl.split('/').pop() as string;

/** 03-02 12:00 UTC: three signups for 4401 and one for 4402, two of them offered; 03-03: one bought; 03-05: one more signup. */
async function history(shop: Shop) {
  await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0 });
  const tokens: string[] = [];
  for (let i = 0; i < 3; i++) tokens.push((await shop.signup({ email: `p${i}@example.com` })).body.signup.token);
  await shop.signup({ email: 'm@example.com', variantId: '4402' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
  t.clock.advance(13 * HOUR); // 03-03 01:00 UTC, the holds still active
  const hold = await holdToken(tokens[0]!);
  await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', email: 'p0@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }], holdToken: hold });
  t.clock.advance(2 * DAY);
  await shop.signup({ email: 'p3@example.com' }); // 03-05
}

describe('GET /v1/admin/analytics/timeseries', () => {
  it('counts each day of the period, zero-filled and oldest first', async () => {
    const shop = await shopWithVariant(t);
    await history(shop);
    const res = await shop.admin('GET', `${PATH}?from=2026-03-01&to=2026-03-06`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      bucket: 'day',
      timezone: 'UTC',
      currency: 'USD',
      points: [
        zero('2026-03-01'),
        { date: '2026-03-02', signups: 4, offered: 2, purchased: 0, revenue: 0 },
        { date: '2026-03-03', signups: 0, offered: 0, purchased: 1, revenue: 2500 },
        zero('2026-03-04'),
        { date: '2026-03-05', signups: 1, offered: 0, purchased: 0, revenue: 0 },
        zero('2026-03-06'),
      ],
    });
    const one = await shop.admin('GET', `${PATH}?from=2026-03-01&to=2026-03-03&variantId=4402`);
    expect(one.body.points).toEqual([zero('2026-03-01'), { ...zero('2026-03-02'), signups: 1 }, zero('2026-03-03')]);
    // The days add up to the funnel over the same instants.
    const [from, to] = ['2026-03-02T00:00:00Z', '2026-03-05T23:59:59.999Z'];
    const series = (await shop.admin('GET', `${PATH}?from=${from}&to=${to}`)).body.points as Array<Record<string, number>>;
    const funnel = (await shop.admin('GET', `/v1/admin/analytics/funnel?from=${from}&to=${to}`)).body;
    for (const key of ['signups', 'offered', 'purchased', 'revenue']) expect(series.reduce((n, p) => n + p[key]!, 0)).toBe(funnel[key]);
  });

  it("defaults to the last 30 days ending now on the injected clock, in the shop's time zone", async () => {
    const shop = await shopWithVariant(t, {}, { timezone: 'Pacific/Auckland' });
    await shop.signup({ email: 'a@example.com' }); // 2026-03-02T12:00Z is 2026-03-03 01:00 in Auckland
    const res = await shop.admin('GET', PATH);
    expect(res.body.timezone).toBe('Pacific/Auckland');
    expect(res.body.currency).toBeNull();
    expect(res.body.points).toHaveLength(30);
    expect(res.body.points[0]).toEqual(zero('2026-02-02'));
    expect(res.body.points.at(-1)).toEqual({ ...zero('2026-03-03'), signups: 1 });
    expect(res.body.points.map((p: { date: string }) => p.date)).toEqual(
      Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 1, 2) + i * DAY).toISOString().slice(0, 10)),
    );
  });

  it('buckets by local day across the autumn DST change (America/New_York, 2026-11-01 is 25 hours)', async () => {
    const shop = await shopWithVariant(t, {}, { timezone: 'America/New_York' });
    // Each instant is a few minutes either side of a local midnight; a fixed offset gets at least one wrong.
    const at = ['2026-11-01T03:55:00Z', '2026-11-01T04:05:00Z', '2026-11-02T04:55:00Z', '2026-11-02T05:05:00Z', '2026-11-03T04:55:00Z'];
    for (const [i, when] of at.entries()) {
      t.clock.set(when);
      expect((await shop.signup({ email: `d${i}@example.com` })).status).toBe(201);
    }
    const res = await shop.admin('GET', `${PATH}?from=2026-10-31&to=2026-11-03`);
    expect(res.body.points.map((p: { date: string; signups: number }) => [p.date, p.signups])).toEqual([
      ['2026-10-31', 1], // 23:55 EDT
      ['2026-11-01', 2], // 00:05 EDT and 23:55 EST: one day, 25 hours long
      ['2026-11-02', 2], // 00:05 EST and 23:55 EST
      ['2026-11-03', 0],
    ]);
    // And spring forward: 2026-03-08 is 23 hours long.
    for (const [i, when] of ['2026-03-08T04:55:00Z', '2026-03-09T03:55:00Z', '2026-03-09T04:05:00Z'].entries()) {
      t.clock.set(when);
      await shop.signup({ email: `s${i}@example.com` });
    }
    const spring = await shop.admin('GET', `${PATH}?from=2026-03-07&to=2026-03-09`);
    expect(spring.body.points.map((p: { signups: number }) => p.signups)).toEqual([1, 1, 1]);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-3-1', 'from'],
    ['from=2026-03-01T00:00:00', 'from'],
    ['variantId=', 'variantId'],
    ['from=2026-03-05&to=2026-03-01', 'from'],
    ['from=2026-03-01T12:00:00Z&to=2026-03-01T12:00:00Z', 'from'],
    ['from=2026-03-03', 'from'], // after now, with to defaulting to now
    ['from=2025-01-01&to=2026-02-05', 'to'], // 401 days
  ])('rejects %s with a 400 naming %s', async (query, field) => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('GET', `${PATH}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String), field } });
  });

  it('takes up to 400 days', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('GET', `${PATH}?from=2025-01-01&to=2026-02-04`);
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(400);
  });

  it("needs the secret key, and shows shop B nothing of shop A's", async () => {
    const a = await shopWithVariant(t);
    await history(a);
    expect((await t.call('GET', PATH)).status).toBe(401);
    expect((await t.call('GET', PATH, { headers: { authorization: `Bearer ${a.pk}` } })).status).toBe(401);
    const b = await t.createShop('Other');
    const query = `${PATH}?from=2026-03-01&to=2026-03-06`;
    for (const res of [await b.admin('GET', query), await b.admin('GET', `${query}&variantId=4401`)]) {
      expect(res.status).toBe(200);
      expect(res.body.currency).toBeNull();
      expect(res.body.points.every((p: Record<string, number>) => !p.signups && !p.offered && !p.purchased && !p.revenue)).toBe(true);
    }
  });
});
