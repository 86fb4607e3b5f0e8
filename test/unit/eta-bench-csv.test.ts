import { describe, expect, it } from 'vitest';
import { scoreCsv } from '../../bench/eta.ts';

/** A supplier that is three days late every time, a month apart, in the purchase-order import's columns. */
const late = Array.from({ length: 12 }, (_, i) => {
  const quoted = new Date(Date.UTC(2025, i, 10)).toISOString().slice(0, 10);
  const received = new Date(Date.UTC(2025, i, 13)).toISOString().slice(0, 10);
  return `Kiln & Co,4401,10,${quoted},${received},10`;
});

describe('bench/eta --csv: scoring a merchant history', () => {
  it('walks the rows forward: a supplier late by the same three days is soon predicted as it is', () => {
    const csv = ['Supplier,Variant,Quantity,Quoted_Arrival,Received_At,Received_Quantity', ...late, 'Kiln & Co,4401,5,2026-02-01,,'].join('\n');
    const s = scoreCsv(csv);
    // The open PO (no receipt) is not scored.
    expect([s.pos, s.suppliers]).toEqual([12, 1]);
    expect(s.quoteError).toBe(3);
    expect(s.midError).toBeLessThan(s.quoteError);
    expect(s.coverage).toBeGreaterThanOrEqual(0.8);
  });

  it('an empty or receipt-less file scores nothing rather than failing', () => {
    expect(scoreCsv('supplier,variant,quantity,quoted_arrival,received_at\n')).toMatchObject({ pos: 0, suppliers: 0 });
  });
});
