import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choose, MAX_QUANTITY } from '../../server/services/restock/allocate.ts';
import type { HeadRow, QueueReads } from '../../server/services/restock/queue.ts';

/**
 * Allocation's choice of whom to offer, against the rule it implements: walk the
 * line in FIFO order and offer to each signup whose quantity still fits, until
 * the units run out; a place is 1 + everyone waiting ahead. The line lives in
 * memory here, so lines longer than a page (500) are cheap: they take the path
 * that seeks past a page of signups that do not fit.
 */

function line(quantities: number[]): HeadRow[] {
  return quantities.map((quantity, i) => ({ id: i + 1, seq: 10 * (i + 1), quantity, kind: 'waitlist', token: `s${i}`, contactId: i + 1 }));
}

/** The reads allocation makes, over an in-memory line, counted. */
function inMemory(rows: HeadRow[]): QueueReads & { count: number } {
  const after = (seq: number) => rows.filter((r) => r.seq > seq);
  const reads = {
    count: 0,
    head: async (_s: string, _v: string, afterSeq: number, limit: number) => (reads.count++, after(afterSeq).slice(0, limit)),
    firstOfQuantity: async (_s: string, _v: string, quantity: number, afterSeq: number) => (reads.count++, after(afterSeq).find((r) => r.quantity === quantity)),
    waitingBetween: async (_s: string, _v: string, a: number, b: number) => (reads.count++, rows.filter((r) => r.seq > a && r.seq < b).length),
    waitingCount: async () => rows.length,
    heldUnits: async () => 0,
  };
  return reads;
}

function rule(rows: HeadRow[], units: number) {
  const chosen: Array<{ id: number; position: number }> = [];
  let remaining = units;
  for (const [i, r] of rows.entries()) {
    if (remaining === 0) break;
    if (r.quantity > remaining) continue;
    chosen.push({ id: r.id, position: i + 1 });
    remaining -= r.quantity;
  }
  return chosen;
}

const pick = (chosen: Array<{ id: number; position: number }>) => chosen.map(({ id, position }) => ({ id, position }));

describe('choose: whom a round offers to', () => {
  it('follows the FIFO rule for any line and any units, past pages of signups that do not fit', async () => {
    // Mostly large quantities: a page of them leaves the last units unspent, and the seeks take over.
    const quantity = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 30, arbitrary: fc.integer({ min: 40, max: MAX_QUANTITY }) });
    await fc.assert(
      fc.asyncProperty(fc.array(quantity, { maxLength: 1_300, size: 'max' }), fc.integer({ min: 1, max: 400 }), async (quantities, units) => {
        const rows = line(quantities);
        expect(pick(await choose(inMemory(rows), 'shop', 'v', units))).toEqual(rule(rows, units));
      }),
      { numRuns: 150, seed: 18, endOnFailure: true },
    );
  });

  it('finds the one small signup behind more than a page of large ones', async () => {
    const rows = line([...Array(1_200).fill(MAX_QUANTITY), 1, MAX_QUANTITY, 2]);
    expect(pick(await choose(inMemory(rows), 'shop', 'v', 3))).toEqual([
      { id: 1_201, position: 1_201 },
      { id: 1_203, position: 1_203 },
    ]);
  });

  it('reads a line of single units a page at a time, the last units too', async () => {
    const reads = inMemory(line(Array(12_000).fill(1)));
    const chosen = await choose(reads, 'shop', 'v', 10_000);
    expect(chosen.map((c) => c.position)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    // 5 pages of 2,000 while at least MAX_QUANTITY units remain, and one for the last 99.
    expect(reads.count).toBe(6);
  });
});
