import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const PATH = '/v1/admin/analytics/products';
type Shop = Awaited<ReturnType<typeof shopWithVariant>>;

const buy = (shop: Shop, id: string, email: string, variantId: string, price: number) =>
  shop.admin('POST', '/v1/admin/orders', { id, email, currency: 'USD', total: price, lineItems: [{ variantId, quantity: 1, price }] });

/**
 * 4401 (Ocean Tee – S): 5 in line, 2 offered, 1 bought → 3 waiting, 1/2.
 * 4402 (Ocean Tee – M): 2 in line, both offered and bought → 0 waiting, 2/2.
 * 4403 (Cap, one size): 3 in line, nobody offered → 3 waiting, no rate.
 */
async function catalogue(shop: Shop) {
  await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  await shop.admin('PUT', '/v1/admin/variants/4403', { productTitle: 'Cap', title: 'Default Title', mode: 'waitlist', inventory: 0 });
  const join = async (variantId: string, n: number) => {
    for (let i = 0; i < n; i++) expect((await shop.signup({ email: `${variantId}-${i}@example.com`, variantId })).status).toBe(201);
  };
  await join('4401', 5);
  await join('4402', 2);
  await join('4403', 3);
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
  await shop.admin('POST', '/v1/admin/variants/4402/inventory', { available: 2 });
  t.clock.advance(13 * HOUR); // 03-03 01:00 UTC: the next day, with the 24-hour holds still active
  await buy(shop, 'o-1', '4401-0@example.com', '4401', 2500);
  await buy(shop, 'o-2', '4402-0@example.com', '4402', 3000);
  await buy(shop, 'o-3', '4402-1@example.com', '4402', 3500);
}

const row = (variantId: string, title: string, waiting: number, offered: number, purchased: number, revenue: number, currency: string | null = 'USD') => ({
  variantId,
  title,
  waiting,
  offered,
  purchased,
  conversionRate: offered ? purchased / offered : 0,
  revenue,
  currency,
});

describe('GET /v1/admin/analytics/products', () => {
  it('ranks by the people waiting now, ties by variant id, with the period’s offers and sales', async () => {
    const shop = await shopWithVariant(t);
    await catalogue(shop);
    const res = await shop.admin('GET', PATH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      products: [
        row('4401', 'Ocean Tee – S', 3, 2, 1, 2500),
        row('4403', 'Cap', 3, 0, 0, 0, null),
        row('4402', 'Ocean Tee – M', 0, 2, 2, 6500),
      ],
    });
    expect((await shop.admin('GET', `${PATH}?limit=1`)).body.products.map((p: { variantId: string }) => p.variantId)).toEqual(['4401']);
  });

  it('ranks by conversion among variants offered in the period, ties by purchases', async () => {
    const shop = await shopWithVariant(t);
    await catalogue(shop);
    // 4404 converts 1 of 1: the same rate as 4402's 2 of 2, so the tie goes to more purchases.
    await shop.admin('PUT', '/v1/admin/variants/4404', { productTitle: 'Sock', title: 'L', mode: 'waitlist', inventory: 0, currency: 'EUR' });
    await shop.signup({ email: 'sock@example.com', variantId: '4404' });
    await shop.admin('POST', '/v1/admin/variants/4404/inventory', { available: 1 });
    await shop.admin('POST', '/v1/admin/orders', { id: 'o-4', email: 'sock@example.com', currency: 'EUR', total: 900, lineItems: [{ variantId: '4404', quantity: 1, price: 900 }] });
    const res = await shop.admin('GET', `${PATH}?sort=conversion`);
    expect(res.body.products).toEqual([
      row('4402', 'Ocean Tee – M', 0, 2, 2, 6500),
      row('4404', 'Sock – L', 0, 1, 1, 900, 'EUR'),
      row('4401', 'Ocean Tee – S', 3, 2, 1, 2500),
    ]);
  });

  it('bounds offers and sales by the period, but not the live queue', async () => {
    const shop = await shopWithVariant(t);
    await catalogue(shop);
    const past = await shop.admin('GET', `${PATH}?from=2026-01-01&to=2026-02-01`);
    expect(past.body.products).toEqual([row('4401', 'Ocean Tee – S', 3, 0, 0, 0), row('4403', 'Cap', 3, 0, 0, 0, null), row('4402', 'Ocean Tee – M', 0, 0, 0, 0)]);
    expect((await shop.admin('GET', `${PATH}?from=2026-01-01&to=2026-02-01&sort=conversion`)).body).toEqual({ products: [] });
    // Offers on 03-02, sales on 03-03: a period of 03-03 alone sees the sales, not the offers.
    const day = await shop.admin('GET', `${PATH}?from=2026-03-03&to=2026-03-03`);
    expect(day.body.products[0]).toEqual(row('4401', 'Ocean Tee – S', 3, 0, 1, 2500));
  });

  it.each([
    ['sort=recent', 'sort'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['from=last-week', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-03-02&to=2026-03-01', 'from'],
    ['from=2025-01-01&to=2026-02-05', 'to'],
  ])('rejects %s with a 400 naming %s', async (query, field) => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('GET', `${PATH}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String), field } });
  });

  it("needs the secret key, and shows shop B nothing of shop A's, even under the same variant id", async () => {
    const a = await shopWithVariant(t);
    await catalogue(a);
    expect((await t.call('GET', PATH)).status).toBe(401);
    expect((await t.call('GET', PATH, { headers: { authorization: 'Bearer sk_wrong' } })).status).toBe(401);
    const b = await t.createShop('Other');
    expect((await b.admin('GET', PATH)).body).toEqual({ products: [] });
    await b.admin('PUT', '/v1/admin/variants/4401', { productTitle: 'Hat', title: 'S', mode: 'waitlist', inventory: 0 });
    expect((await b.admin('GET', PATH)).body).toEqual({ products: [row('4401', 'Hat – S', 0, 0, 0, 0, null)] });
    expect((await b.admin('GET', `${PATH}?sort=conversion`)).body).toEqual({ products: [] });
  });
});
