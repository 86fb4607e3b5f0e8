import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR, predictEta, slipRange, weightedQuantile } from '../../server/services/purchase-orders/predict.ts';
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
  it('with no history is the prior alone: centred on the quote, a week either way', () => {
    expect(slipRange([])).toEqual({ low: -7, high: 7, from: 'prior', receipts: 0 });
    expect(DEFAULT_PRIOR).toEqual([-7, -3, 0, 0, 0, 0, 3, 7]);
  });

  it('blends thin history with a prior worth the missing receipts', () => {
    // One receipt against two receipts' worth of prior: the centre stays on the quote, the reach grows to cover it.
    expect(slipRange([10])).toEqual({ low: -10, high: 10, from: 'blended', receipts: 1 });
    expect(slipRange([1])).toEqual({ low: -7, high: 7, from: 'blended', receipts: 1 });
    // Two receipts outweigh the prior's one: the centre moves to them, and the prior still stretches the reach.
    expect(slipRange([10, 10])).toEqual({ low: -3, high: 23, from: 'blended', receipts: 2 });
  });

  it('with three or more receipts uses the supplier alone, centred on its median', () => {
    expect(slipRange([10, 10, 10, 10])).toEqual({ low: 10, high: 10, from: 'supplier', receipts: 4 });
    expect(slipRange([6, 8, 11, 7, 9, 10, 6, 11, 8, 9])).toEqual({ low: 6, high: 12, from: 'supplier', receipts: 10 });
    expect(slipRange([0, 0, 0, 0, 0])).toMatchObject({ low: 0, high: 0 });
    // A supplier that keeps its word is predicted at its quote; its rare misses set the reach.
    expect(slipRange([0, 0, 0, 0, 1, 0, 0, -1, 0, 0])).toMatchObject({ low: -1, high: 1 });
  });

  it('is symmetric about the median, so the midpoint is the median whatever the width', () => {
    expect([[0, 0, 0, 9], [-3, -2, -4, -3, 5, -3]].map((slips) => slipRange(slips))).toMatchObject([{ low: -9, high: 9 }, { low: -11, high: 5 }]);
    // The quantiles set the reach only: a p20–p80 range has the same centre.
    expect(slipRange([-3, -2, -4, -3, 5, -3], { low: 0.2, high: 0.8 })).toMatchObject({ low: -4, high: -2 });
  });

  it('weighs recent deliveries more, so an improving supplier is seen as it is now', () => {
    // Half the record at 14 days late, then as many at 2: the unweighted median could be either.
    const improving = [...Array(40).fill(14), ...Array(40).fill(2)];
    expect(slipRange(improving)).toMatchObject({ low: 2, high: 2, from: 'supplier' });
    expect(slipRange(improving.slice().reverse())).toMatchObject({ low: 14, high: 14 }); // and one getting worse
    // A shorter recent run is not yet the whole story: centred on now, the old lateness stays inside the range.
    expect(slipRange([...Array(20).fill(14), ...Array(20).fill(2)])).toMatchObject({ low: -10, high: 14 });
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
