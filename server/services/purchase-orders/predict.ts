/**
 * How late a supplier will be, from how late it has been: pure functions, so
 * the product and `bench/eta.ts` run the very same prediction.
 *
 * - The range is the p10–p90 of past slips. The issue suggests p20–p80, but
 *   that covers 60% of arrivals by construction and the goal is 80%; the
 *   bench prints the p20–p80 figure beside ours for comparison.
 * - Recent deliveries count more (a half-life of RECENCY_HALF_LIFE receipts),
 *   so a supplier that has improved, or slipped, is seen as it is now.
 * - With fewer than MIN_RECEIPTS receipts the history is thin: it is blended
 *   with a prior worth the missing receipts (none: the prior alone). The prior
 *   is the shop's pooled history, or 0–7 days late before the shop has any.
 */
export const SLIP_QUANTILES = { low: 0.1, high: 0.9 } as const;
export const MIN_RECEIPTS = 5;
export const RECENCY_HALF_LIFE = 10;
/** Receipts read per supplier, and for the shop's pooled prior. */
export const HISTORY_LIMIT = 100;
export const POOLED_LIMIT = 200;
export const DEFAULT_PRIOR: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];

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

/** The prior for thin histories: the shop's pooled slips once it has enough, else the default. */
export const priorFrom = (shopSlips: readonly number[]): readonly number[] => (shopSlips.length >= MIN_RECEIPTS ? shopSlips : DEFAULT_PRIOR);

/** `slips` oldest first, in days late (negative: early). */
export function slipRange(slips: readonly number[], prior: readonly number[] = DEFAULT_PRIOR, quantiles: { low: number; high: number } = SLIP_QUANTILES): SlipRange {
  const n = slips.length;
  const raw = slips.map((_, i) => 0.5 ** ((n - 1 - i) / RECENCY_HALF_LIFE));
  const total = raw.reduce((a, b) => a + b, 0);
  // Recency sets the shape among receipts; together they still weigh n, so the prior's share stays simple.
  const points: Weighted[] = slips.map((value, i) => ({ value, weight: (raw[i]! * n) / total }));
  const priorMass = Math.max(0, MIN_RECEIPTS - n);
  const base = prior.length ? prior : DEFAULT_PRIOR;
  if (priorMass > 0) for (const value of base) points.push({ value, weight: priorMass / base.length });
  return {
    low: weightedQuantile(points, quantiles.low),
    high: weightedQuantile(points, quantiles.high),
    from: n === 0 ? 'prior' : priorMass > 0 ? 'blended' : 'supplier',
    receipts: n,
  };
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

/** True once the shipment is past the start of its arrival window and still not in. */
export const isLate = (quotedArrival: string, slip: Pick<SlipRange, 'low'>, today: string) => addDays(quotedArrival, slip.low) < today;
