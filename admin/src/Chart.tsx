import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { day, money, num, shortDay, utcDay } from './format.ts';

export interface Point {
  date: string;
  signups: number;
  offered: number;
  purchased: number;
  revenue: number;
}

const SERIES = [
  { key: 'signups', label: 'Signups', stroke: '#1a1a1a' },
  { key: 'offered', label: 'Offered', stroke: '#8a8a84' },
  { key: 'purchased', label: 'Purchased', stroke: '#2e7d32' },
] as const;

const DAY_S = 86_400;

/**
 * Signups, offers and purchases per shop day, and the revenue they brought
 * on a second axis, drawn by uPlot. The days are calendar days already
 * bucketed in the shop's time zone by the API, so the axis shows them as UTC
 * dates and never shifts them into the viewer's zone; its ticks are whole
 * days, so a short period never repeats a date. The same figures sit in a
 * table below for screen readers and keyboards.
 */
export function Chart({ points, currency }: { points: Point[]; currency: string | null }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const data: uPlot.AlignedData = [points.map((p) => Date.parse(`${p.date}T00:00:00Z`) / 1000), ...SERIES.map((s) => points.map((p) => p[s.key])), points.map((p) => p.revenue)];
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 240,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, max)] }, revenue: { range: (_u, _min, max) => [0, Math.max(100, max)] } },
        axes: [
          // Day ticks as the shop writes dates ("27 oct."), not uPlot's US default; never less than a day apart.
          { incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S], values: (_u, ticks) => ticks.map((t) => shortDay(utcDay(t * 1000))) },
          { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? num(t) : '')) },
          { scale: 'revenue', side: 1, size: 70, grid: { show: false }, values: (_u, ticks) => ticks.map((t) => money(t, currency)) },
        ],
        series: [
          { value: (_u, ts) => (ts == null ? '' : day(utcDay(ts * 1000))) },
          ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { show: points.length <= 31 } })),
          { label: 'Revenue', scale: 'revenue', stroke: '#1565c0', width: 2, dash: [6, 4], points: { show: points.length <= 31 }, value: (_u: uPlot, v: number | null) => (v == null ? '' : money(v, currency)) },
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);
  return (
    <figure class="chart">
      <div ref={box} aria-hidden="true" />
      <details>
        <summary>Show as a table</summary>
        {/* Narrow enough for a phone without scrolling sideways: its cells wrap (style.css, .fit). */}
        <table aria-label="Per day" class="fit">
          <thead>
            <tr>
              <th>Day</th>
              {SERIES.map((s) => (
                <th key={s.key} class="num">
                  {s.label}
                </th>
              ))}
              <th class="num">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.date}>
                <td>{day(p.date)}</td>
                {SERIES.map((s) => (
                  <td key={s.key} class="num">
                    {num(p[s.key])}
                  </td>
                ))}
                <td class="num">{money(p.revenue, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
