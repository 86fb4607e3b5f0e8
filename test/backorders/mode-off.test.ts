import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backorders } from '../../db/schema/index.ts';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const order = (id: string, email: string, quantity: number) => ({
  id,
  email,
  currency: 'USD',
  total: 2500 * quantity,
  lineItems: [{ variantId: '4401', quantity, price: 2500 }],
});

describe('mode off: the form is closed, what is owed is still served', () => {
  it('a restock serves the backorders first and only the rest goes public', async () => {
    const shop = await shopWithVariant(t, { mode: 'off' });
    expect((await shop.admin('POST', '/v1/admin/orders', order('o-1', 'a@example.com', 2))).body.backorders).toHaveLength(1);
    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 3 });
    expect(restock.body.allocation.backordersServed).toBe(1);
    expect((await t.deps.db.select().from(backorders)).map((b) => [b.status, b.served])).toEqual([['allocated', 2]]);
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-allocated').map((m) => m.to)).toEqual(['a@example.com']);
    // 5 units arrived: 2 were owed, 3 are public.
    const [variant] = (await shop.admin('GET', '/v1/admin/variants')).body.variants;
    expect(variant).toMatchObject({ mode: 'off', inventory: 3, available: 3 });
  });

  it('units an expired hold frees go to the next in line after the variant was switched off', async () => {
    const shop = await shopWithVariant(t);
    for (const e of ['a', 'b']) expect((await shop.signup({ email: `${e}@example.com` })).status).toBe(201);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect((await shop.admin('PUT', '/v1/admin/variants/4401', { mode: 'off' })).status).toBeLessThan(300);
    t.clock.advance(25 * 3_600_000);
    await runJobs(t);
    expect((await allMessages(t)).filter((m) => m.template === 'offer').map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants[0]).toMatchObject({ activeHolds: 1, available: 0 });
  });
});
