import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR, predictEta, priorFrom, slipRange, weightedQuantile } from '../../server/services/purchase-orders/predict.ts';
import { explainBasis, slipText } from '../../server/services/purchase-orders/present.ts';

const even = (values: number[]) => values.map((value) => ({ value, weight: 1 }));

describe('weightedQuantile', () => {
  it('returns observed values: the smallest whose cumulative weight reaches q', () => {
    const ten = even([9, 0, 8, 1, 7, 2, 6, 3, 5, 4]);
    expect(weightedQuantile(ten, 0.1)).toBe(0);
    expect(weightedQuantile(ten, 0.5)).toBe(4);
    expect(weightedQuantile(ten, 0.9)).toBe(8);
    expect(weightedQuantile(ten, 1)).toBe(9);
    expect(weightedQuantile([{ value: 1, weight: 1 }, { value: 50, weight: 9 }], 0.1)).toBe(1);
    expect(weightedQuantile([{ value: 1, weight: 1 }, { value: 50, weight: 9 }], 0.11)).toBe(50);
    expect(() => weightedQuantile([], 0.5)).toThrow();
  });
});

describe('slipRange', () => {
  it('with no history is the prior alone: 0–7 days late by default, or the shop\'s pooled history once it has five', () => {
    expect(slipRange([])).toEqual({ low: 0, high: 7, from: 'prior', receipts: 0 });
    expect(priorFrom([3, 4])).toBe(DEFAULT_PRIOR);
    expect(slipRange([], priorFrom([3, 3, 4, 4, 5]))).toEqual({ low: 3, high: 5, from: 'prior', receipts: 0 });
  });

  it('blends thin history with a prior worth the missing receipts', () => {
    // One receipt 10 days late against four receipts' worth of 0–7: p10 stays in the prior, p90 reaches 10.
    expect(slipRange([10])).toEqual({ low: 0, high: 10, from: 'blended', receipts: 1 });
    // Four receipts and one receipt's worth of prior: the prior still pulls the low end.
    expect(slipRange([10, 10, 10, 10])).toMatchObject({ low: 3, high: 10, from: 'blended' });
  });

  it('with five or more receipts uses the supplier alone', () => {
    expect(slipRange([6, 8, 11, 7, 9, 10, 6, 11, 8, 9])).toEqual({ low: 6, high: 11, from: 'supplier', receipts: 10 });
    expect(slipRange([0, 0, 0, 0, 0], [30, 40])).toMatchObject({ low: 0, high: 0 });
  });

  it('weighs recent deliveries more, so an improving supplier is seen as it is now', () => {
    // Half the record at 14 days late, then as many at 2: unweighted p10–p90 would be 2–14.
    const improving = [...Array(40).fill(14), ...Array(40).fill(2)];
    expect(slipRange(improving)).toMatchObject({ low: 2, high: 2, from: 'supplier' });
    expect(slipRange(improving.slice().reverse())).toMatchObject({ low: 14, high: 14 }); // and one getting worse
    // A shorter recent run is not yet the whole story: the old lateness stays inside the range.
    expect(slipRange([...Array(20).fill(14), ...Array(20).fill(2)])).toMatchObject({ low: 2, high: 14 });
  });
});

describe('predictEta', () => {
  it('adds the slip range and handling to the quote; what has not arrived arrives from today on', () => {
    expect(predictEta('2026-03-12', { low: 6, high: 11 }, 2, '2026-03-02')).toEqual({ earliest: '2026-03-20', latest: '2026-03-25' });
    expect(predictEta('2026-03-12', { low: -3, high: -1 }, 0, '2026-03-02')).toEqual({ earliest: '2026-03-09', latest: '2026-03-11' });
    // Inside the arrival window, the range narrows to what is left of it.
    expect(predictEta('2026-03-01', { low: 0, high: 3 }, 0, '2026-03-02')).toEqual({ earliest: '2026-03-02', latest: '2026-03-04' });
    expect(predictEta('2026-03-01', { low: 0, high: 3 }, 2, '2026-03-02')).toEqual({ earliest: '2026-03-04', latest: '2026-03-06' });
    // Past it, later than the supplier's record: the window's width from today, handling after, never one date.
    expect(predictEta('2026-02-20', { low: 0, high: 3 }, 0, '2026-03-02')).toEqual({ earliest: '2026-03-02', latest: '2026-03-05' });
    expect(predictEta('2026-02-20', { low: 0, high: 3 }, 2, '2026-03-02')).toEqual({ earliest: '2026-03-04', latest: '2026-03-07' });
    expect(predictEta('2026-02-20', { low: 0, high: 0 }, 0, '2026-03-02')).toEqual({ earliest: '2026-03-02', latest: '2026-03-03' });
  });
});

describe('the explanation', () => {
  it('says where the range came from, in plain words', () => {
    const basis = { purchaseOrderId: 1, supplierId: 1, supplier: 'Kiln & Co', quotedArrival: '2026-03-12', slipLow: 6, slipHigh: 11, handlingDays: 0, from: 'supplier' as const, receipts: 12 };
    expect(explainBasis(basis)).toBe('quoted 12 Mar, this supplier is usually 6–11 days late');
    expect(explainBasis({ ...basis, handlingDays: 2, from: 'blended', receipts: 1 })).toBe('quoted 12 Mar; with 1 delivery on record we expect 6–11 days late, plus 2 days handling');
    expect(explainBasis({ ...basis, slipLow: 0, slipHigh: 7, from: 'prior', receipts: 0 })).toBe('quoted 12 Mar; no deliveries on record from this supplier yet, so we allow on time to 7 days late');
    expect([slipText(0, 0), slipText(1, 1), slipText(-2, 0), slipText(-3, -1), slipText(-1, 4)]).toEqual(['on time', '1 day late', '2 days early to on time', '1–3 days early', '1 day early to 4 days late']);
  });
});
