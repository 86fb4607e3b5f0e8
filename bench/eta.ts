import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { daysBetween, HISTORY_LIMIT, slipRange, type SlipRange } from '../server/services/purchase-orders/predict.ts';
import { num } from './lib.ts';

/**
 * Issue 8's evaluation: a seeded synthetic history of suppliers with
 * different slip patterns, walked forward in time. Each PO is predicted with
 * only the deliveries that had arrived when it was placed, by the product's
 * own `slipRange` (the same prior, blending and recency), then compared with
 * its actual arrival:
 * - coverage: the share of arrivals inside the predicted range (goal ≥ 80%);
 * - the midpoint's mean absolute error against the actual arrival, as a ratio
 *   of the supplier's quote's error (goal ≤ 0.60, i.e. 40% better or more).
 * The range is the arrival's; the handling buffer customers also see is left
 * out, since it is not the supplier's to miss. BENCH_SEED changes the history.
 */

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const normal = (rng: Rng, mean: number, sd: number) => mean + sd * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** Slip in days for a supplier's i-th PO of n. */
const PATTERNS: Record<string, (rng: Rng, i: number, n: number) => number> = {
  'always on time': (rng) => (rng() < 0.85 ? 0 : rng() < 0.5 ? -1 : 1),
  'a week late': (rng) => Math.round(normal(rng, 7, 1.5)),
  'erratic, heavy tail': (rng) => Math.round(Math.exp(normal(rng, 1.1, 0.9))) - 1,
  'improving': (rng, i, n) => Math.round(normal(rng, 14 - (12 * i) / n, 1.5)),
  'early': (rng) => Math.round(normal(rng, -3, 1)),
};

interface Po {
  supplier: string;
  placed: number;
  quoted: number;
  slip: number;
}

function history(seed: number, perSupplier: number): Po[] {
  const rng = random(seed);
  const pos: Po[] = [];
  for (const [supplier, slipOf] of Object.entries(PATTERNS)) {
    let day = Math.floor(rng() * 10);
    for (let i = 0; i < perSupplier; i++) {
      day += 4 + Math.floor(rng() * 12);
      const quoted = day + 14 + Math.floor(rng() * 31);
      pos.push({ supplier, placed: day, quoted, slip: slipOf(rng, i, perSupplier) });
    }
  }
  return pos.sort((a, b) => a.placed - b.placed);
}

interface Score {
  n: number;
  covered: number;
  coveredNarrow: number;
  midError: number;
  quoteError: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function etaBench(csv?: string): string {
  if (csv) return csvBench(csv);
  const seed = num('BENCH_SEED', 42);
  const perSupplier = num('BENCH_POS', 80);
  return report(walk(history(seed, perSupplier)), `seed ${seed}`);
}

/** Every PO predicted from what had arrived by the day it was placed, by the product's own slipRange. */
function walk(pos: Po[]) {
  const scores = new Map<string, Score>();
  const total: Score = { n: 0, covered: 0, coveredNarrow: 0, midError: 0, quoteError: 0 };
  const inside = (r: SlipRange, slip: number) => slip >= r.low && slip <= r.high;
  for (const po of pos) {
    // Only what had arrived by the day this PO was placed, oldest first, as the product reads it.
    const known = pos.filter((p) => p.quoted + p.slip < po.placed).sort((a, b) => a.quoted + a.slip - (b.quoted + b.slip));
    const own = known.filter((p) => p.supplier === po.supplier).slice(-HISTORY_LIMIT).map((p) => p.slip);
    const range = slipRange(own);
    const narrow = slipRange(own, { low: 0.2, high: 0.8 });
    const s = scores.get(po.supplier) ?? { n: 0, covered: 0, coveredNarrow: 0, midError: 0, quoteError: 0 };
    scores.set(po.supplier, s);
    for (const acc of [s, total]) {
      acc.n++;
      acc.covered += inside(range, po.slip) ? 1 : 0;
      acc.coveredNarrow += inside(narrow, po.slip) ? 1 : 0;
      acc.midError += Math.abs(po.slip - (range.low + range.high) / 2);
      acc.quoteError += Math.abs(po.slip);
    }
  }
  return { scores, total };
}

function report({ scores, total }: ReturnType<typeof walk>, source: string): string {
  const line = (s: Score) =>
    `coverage ${pct(s.covered / s.n)}, midpoint MAE ${(s.midError / s.n).toFixed(2)} d vs quote MAE ${(s.quoteError / s.n).toFixed(2)} d = ${s.quoteError ? (s.midError / s.quoteError).toFixed(2) : 'n/a'}`;
  return [
    `eta: ${total.n} POs from ${scores.size} suppliers (${source}), walk-forward: coverage ${pct(total.covered / total.n)} (goal ≥ 80%); midpoint MAE ${(total.midError / total.n).toFixed(2)} d vs quote MAE ${(total.quoteError / total.n).toFixed(2)} d = ${(total.midError / total.quoteError).toFixed(2)} (goal ≤ 0.60)`,
    ...[...scores].map(([name, s]) => `eta:   ${name.padEnd(20)} ${line(s)}`),
    `eta:   a p20–p80 range instead would cover ${pct(total.coveredNarrow / total.n)}`,
  ].join('\n');
}

/**
 * A merchant's own history, in the purchase-order import's format
 * (`supplier, variant, quantity, quoted_arrival, received_at[, received_quantity]`):
 * rows without a receipt are skipped. The file names no order date, so each PO
 * counts as placed 14 days before its quoted arrival (the nearest quotes the
 * synthetic history makes), and is predicted from what had arrived by then.
 */
export function scoreCsv(text: string): { pos: number; suppliers: number; coverage: number; midError: number; quoteError: number } {
  const rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  const EPOCH = '2000-01-01';
  const pos: Po[] = rows
    .filter((r) => /^\d{4}-\d{2}-\d{2}/.test(r.quoted_arrival ?? '') && /^\d{4}-\d{2}-\d{2}/.test(r.received_at ?? ''))
    .map((r) => {
      const quoted = daysBetween(EPOCH, r.quoted_arrival!.slice(0, 10));
      return { supplier: r.supplier ?? '', placed: quoted - 14, quoted, slip: daysBetween(r.quoted_arrival!.slice(0, 10), r.received_at!.slice(0, 10)) };
    })
    .sort((a, b) => a.placed - b.placed);
  const { scores, total } = walk(pos);
  return { pos: total.n, suppliers: scores.size, coverage: total.n ? total.covered / total.n : 0, midError: total.n ? total.midError / total.n : 0, quoteError: total.n ? total.quoteError / total.n : 0 };
}

function csvBench(file: string): string {
  const s = scoreCsv(readFileSync(file, 'utf8'));
  const ratio = s.quoteError ? (s.midError / s.quoteError).toFixed(2) : 'n/a';
  return `eta --csv ${file}: ${s.pos} POs from ${s.suppliers} suppliers scored, walk-forward: coverage ${pct(s.coverage)} (goal ≥ 80%); midpoint MAE ${s.midError.toFixed(2)} d vs quote MAE ${s.quoteError.toFixed(2)} d = ${ratio}`;
}
