/**
 * How late a supplier will be, from how late it has been: pure functions, so
 * the product and `bench/eta.ts` run the very same prediction.
 *
 * - The range is centred on the weighted median of past slips, and reaches
 *   as far either side as the farther of p5 and p95. Symmetric, so its
 *   midpoint is the median: the midpoint's error does not depend on the
 *   width, and a supplier that keeps its word is predicted at its quote. The
 *   width only buys coverage; p5–p95 rather than p10–p90 because an improving
 *   supplier's newest deliveries are still in transit when a PO is placed,
 *   so its range must reach further to hold 80% of arrivals.
 * - Recent deliveries count more (a half-life of RECENCY_HALF_LIFE receipts),
 *   so a supplier that has improved, or slipped, is seen as it is now.
 * - With fewer than MIN_RECEIPTS receipts the history is thin: it is blended
 *   with a prior worth the missing receipts (none: the prior alone). The prior
 *   is centred on the quote, half its weight on time and the rest up to a
 *   week either way, so a new supplier's range straddles its quote and a
 *   single receipt does not move the centre. It is not the shop's pooled
 *   history: another supplier's lateness says little about this one's.
 */
export const SLIP_QUANTILES = { low: 0.05, high: 0.95 } as const;
export const MIN_RECEIPTS = 3;
export const RECENCY_HALF_LIFE = 8;
/** Receipts read per supplier. */
export const HISTORY_LIMIT = 100;
export const DEFAULT_PRIOR: readonly number[] = [-7, -3, 0, 0, 0, 0, 3, 7];

export interface SlipRange {
  low: number;
  high: number;
  from: 'supplier' | 'blended' | 'prior';
  receipts: number;
}

export interface Weighted {
  value: number;
  weight: number;
}

/** The smallest value whose cumulative weight reaches q of the total (a step function, so results are observed slips). */
export function weightedQuantile(points: Weighted[], q: number): number {
  if (points.length === 0) throw new Error('weightedQuantile of nothing');
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const target = q * sorted.reduce((sum, p) => sum + p.weight, 0);
  let cumulative = 0;
  for (const p of sorted) {
    cumulative += p.weight;
    if (cumulative >= target - 1e-9) return p.value;
  }
  return sorted.at(-1)!.value;
}

/** `slips` oldest first, in days late (negative: early). `quantiles` set how far the range reaches either side of the median. */
export function slipRange(slips: readonly number[], quantiles: { low: number; high: number } = SLIP_QUANTILES): SlipRange {
  const n = slips.length;
  const raw = slips.map((_, i) => 0.5 ** ((n - 1 - i) / RECENCY_HALF_LIFE));
  const total = raw.reduce((a, b) => a + b, 0);
  // Recency sets the shape among receipts; together they still weigh n, so the prior's share stays simple.
  const points: Weighted[] = slips.map((value, i) => ({ value, weight: (raw[i]! * n) / total }));
  const priorMass = Math.max(0, MIN_RECEIPTS - n);
  if (priorMass > 0) for (const value of DEFAULT_PRIOR) points.push({ value, weight: priorMass / DEFAULT_PRIOR.length });
  const median = weightedQuantile(points, 0.5);
  const reach = Math.max(median - weightedQuantile(points, quantiles.low), weightedQuantile(points, quantiles.high) - median);
  return { low: median - reach, high: median + reach, from: n === 0 ? 'prior' : priorMass > 0 ? 'blended' : 'supplier', receipts: n };
}

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export const daysBetween = (from: string, to: string) => Math.round(dayNumber(to) - dayNumber(from));

/**
 * The customer's range: the arrival range (quoted date plus the slip range),
 * then handling. A shipment that has not come can only arrive from today on:
 * inside its window the range narrows, and past it (later than the supplier's
 * record) it keeps the window's width from today. A range is never a single
 * date (SPEC §2): a supplier exactly as late every time still gets a day.
 */
export function predictEta(quotedArrival: string, slip: Pick<SlipRange, 'low' | 'high'>, handlingDays: number, today: string) {
  const first = addDays(quotedArrival, slip.low);
  const last = addDays(quotedArrival, slip.high);
  const arrivesFrom = first < today ? today : first;
  const arrivesBy = last > arrivesFrom ? last : addDays(arrivesFrom, Math.max(1, slip.high - slip.low));
  return { earliest: addDays(arrivesFrom, handlingDays), latest: addDays(arrivesBy, handlingDays) };
}

/**
 * True once the shipment is still not in past both its quoted date and the
 * start of its arrival window. A window that opens before the quote (a
 * supplier sometimes early) narrows as those days pass; that is not lateness.
 */
export const isLate = (quotedArrival: string, slip: Pick<SlipRange, 'low'>, today: string) => addDays(quotedArrival, Math.max(0, slip.low)) < today;
