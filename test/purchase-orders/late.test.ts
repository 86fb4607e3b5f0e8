import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * A shipment that does not come: the periodic `purchase-orders.late` pass
 * re-predicts its ETA as days pass, and the customers waiting on it hear of
 * each move past etaShiftThreshold (P2D), once.
 */
let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', WAITLINE_ETA_REFRESH_MS: '3600000' });
});
afterEach(() => t.cleanup());

const DAY = 86_400_000;

describe('a late shipment', () => {
  it('moves its ETA from today on, tells its customers every few days, and never collapses to one date', async () => {
    const { scheduleLateEtaCheck } = await import('../../server/services/purchase-orders/late.ts');
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    await shop.signup({ email: 'pre@example.com' });
    await shop.admin('POST', '/v1/admin/orders', { id: 'o1', email: 'o1@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    // Today is 2 March; quoted for the 5th by a supplier with no history: up to a week either way (the prior), from today, 2 days handling: 4–14 March.
    await shop.admin('POST', '/v1/admin/purchase-orders', { supplier: 'Kiln & Co', variantId: '4401', quantity: 10, quotedArrival: '2026-03-05' });
    const eta = async () => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0].eta;
    const notices = async (reason: string) => (await allMessages(t)).filter((m) => m.to === 'o1@example.com' && m.template === 'eta-changed' && m.props.reason === reason);
    const late = () => notices('The shipment is later than our supplier expected.');
    expect(await eta()).toEqual({ earliest: '2026-03-04', latest: '2026-03-14' });

    await scheduleLateEtaCheck(t.deps);
    const seen: Array<{ day: string; earliest: string; latest: string; told: number }> = [];
    for (let day = 0; day < 16; day++) {
      t.clock.advance(DAY);
      await runJobs(t);
      seen.push({ day: t.clock.now().toISOString().slice(0, 10), ...(await eta()), told: (await late()).length });
    }
    // Day by day: the date, the range on the storefront, and how many late notices o1 has had.
    expect(seen.map((s) => `${s.day} ${s.earliest}–${s.latest} ${s.told}`)).toEqual([
      '2026-03-03 2026-03-04–2026-03-14 0',
      '2026-03-04 2026-03-04–2026-03-14 0',
      // The quoted day: the window's early days are gone, which is no lateness (below).
      '2026-03-05 2026-03-07–2026-03-14 0',
      '2026-03-06 2026-03-07–2026-03-14 0',
      '2026-03-07 2026-03-07–2026-03-14 0',
      // Past the quote and not in: late.
      '2026-03-08 2026-03-10–2026-03-14 1',
      '2026-03-09 2026-03-10–2026-03-14 1',
      '2026-03-10 2026-03-10–2026-03-14 1',
      '2026-03-11 2026-03-13–2026-03-14 2',
      // Past the supplier's window (arrival by the 12th): the window's width from today, never one date.
      '2026-03-12 2026-03-14–2026-03-28 3',
      '2026-03-13 2026-03-14–2026-03-28 3',
      '2026-03-14 2026-03-14–2026-03-28 3',
      '2026-03-15 2026-03-17–2026-03-31 4',
      '2026-03-16 2026-03-17–2026-03-31 4',
      '2026-03-17 2026-03-17–2026-03-31 4',
      '2026-03-18 2026-03-20–2026-04-03 5',
    ]);
    const told = 5;
    expect((await late()).map((m) => m.text.match(/to (.*?)\./)?.[1])).toEqual([
      'Mar 10, 2026 – Mar 14, 2026',
      'Mar 13, 2026 – Mar 14, 2026',
      'Mar 14, 2026 – Mar 28, 2026',
      'Mar 17, 2026 – Mar 31, 2026',
      'Mar 20, 2026 – Apr 3, 2026',
    ]);
    // Before the quoted date has passed, a narrower range is news, but never "later than expected".
    expect((await notices('The shipment is getting closer, so the range is narrower.')).map((m) => m.text.match(/to (.*?)\./)?.[1])).toEqual(['Mar 7, 2026 – Mar 14, 2026']);
    // The pre-order customer hears the same moves.
    expect((await allMessages(t)).filter((m) => m.to === 'pre@example.com' && m.template === 'eta-changed' && m.props.reason === 'The shipment is later than our supplier expected.')).toHaveLength(told);

    // Receiving the shipment ends it: later passes change nothing.
    const po = (await shop.admin('GET', '/v1/admin/purchase-orders')).body.purchaseOrders[0];
    await shop.admin('POST', `/v1/admin/purchase-orders/${po.id}/receive`, { quantity: 10 });
    const after = await eta();
    t.clock.advance(5 * DAY);
    await runJobs(t);
    expect(await eta()).toEqual(after);
    expect((await late()).length).toBe(told);
  });
});
