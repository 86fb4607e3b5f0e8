import { useMemo, useState } from 'preact/hooks';
import { Chart, type Point } from './Chart.tsx';
import { addDays, hoursText, money, num, pct, shopToday, startOfShopDay } from './format.ts';
import { Kpi, States, useApi } from './ui.tsx';

interface Funnel {
  signups: number;
  offered: number;
  opened: number;
  clicked: number;
  purchased: number;
  expired: number;
  direct: number;
  assisted: number;
  revenue: number;
  revenueDirect: number;
  revenueAssisted: number;
  currency: string | null;
  conversionRate: number;
  holdExpiryRate: number;
  medianHoursToPurchase: number | null;
}

interface ProductRow {
  variantId: string;
  title: string;
  waiting: number;
  offered: number;
  purchased: number;
  conversionRate: number;
  revenue: number;
  currency: string | null;
}

const PERIODS = [7, 30, 90] as const;
const STEPS = [
  ['signups', 'Signups'],
  ['offered', 'Offered'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['purchased', 'Purchased'],
] as const;

/** What marketers ask first: how the waitlist converts over a period, what it earned, and where demand is. */
export function Overview() {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  // Today and the days before it, whole days in the shop's time zone: "last 7 days" is seven days.
  const range = useMemo(() => `from=${encodeURIComponent(startOfShopDay(addDays(shopToday(), 1 - days)))}`, [days]);
  const funnel = useApi<Funnel>(`/v1/admin/analytics/funnel?${range}`);
  const series = useApi<{ points: Point[] }>(`/v1/admin/analytics/timeseries?${range}`);
  const f = funnel.data;
  const top = f ? Math.max(1, f.signups, f.offered) : 1;
  return (
    <section>
      <h2>Overview</h2>
      <div role="tablist" aria-label="Period">
        {PERIODS.map((d) => (
          <button key={d} role="tab" aria-selected={days === d} onClick={() => setDays(d)}>
            Last {d} days
          </button>
        ))}
      </div>
      <States state={funnel} isEmpty={false} empty="">
        {f ? (
          <>
            <table class="funnel" aria-label="Funnel">
              <tbody>
                {STEPS.map(([key, label]) => (
                  <tr key={key}>
                    <th scope="row">{label}</th>
                    <td class="count">{num(f[key])}</td>
                    <td class="bar">
                      <span style={`width:${(f[key] / top) * 100}%`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {f.signups === 0 && f.offered === 0 ? <p class="muted empty">No signups in this period yet. Paste the widget tag (Settings) on a sold-out product to start a list.</p> : null}
            <dl class="kpis">
              <Kpi label="Conversion (purchased / offered)" value={pct(f.conversionRate)} />
              <Kpi label="Revenue recovered" value={money(f.revenue, f.currency)} />
              <Kpi label="Direct (hold link or click)" value={`${money(f.revenueDirect, f.currency)} · ${orders(f.direct)}`} />
              <Kpi label="Assisted (contact match)" value={`${money(f.revenueAssisted, f.currency)} · ${orders(f.assisted)}`} />
              <Kpi label="Median time to purchase" value={f.medianHoursToPurchase === null ? '—' : hoursText(f.medianHoursToPurchase)} />
              <Kpi label="Holds that expired" value={`${pct(f.holdExpiryRate)} · ${num(f.expired)}`} />
            </dl>
          </>
        ) : null}
      </States>
      <h3>Over time</h3>
      <States state={series} isEmpty={false} empty="">
        {series.data ? <Chart points={series.data.points} currency={f?.currency ?? null} /> : null}
      </States>
      <div class="split">
        <TopProducts range={range} sort="waiting" title="Most wanted (waiting now)" />
        <TopProducts range={range} sort="conversion" title="Best converting" />
      </div>
    </section>
  );
}

const COLUMNS: Array<[string, (p: ProductRow) => string]> = [
  ['Waiting', (p) => num(p.waiting)],
  ['Offered', (p) => num(p.offered)],
  ['Bought', (p) => num(p.purchased)],
  ['Conversion', (p) => (p.offered ? pct(p.conversionRate) : '—')],
  ['Revenue', (p) => money(p.revenue, p.currency)],
];

const orders = (n: number) => `${num(n)} ${n === 1 ? 'order' : 'orders'}`;

function TopProducts({ range, sort, title }: { range: string; sort: 'waiting' | 'conversion'; title: string }) {
  const state = useApi<{ products: ProductRow[] }>(`/v1/admin/analytics/products?${range}&sort=${sort}&limit=5`);
  // "Most wanted" lists only what someone is waiting for.
  const rows = (state.data?.products ?? []).filter((p) => sort !== 'waiting' || p.waiting > 0);
  return (
    <div class="card">
      <h3>{title}</h3>
      <States state={state} isEmpty={rows.length === 0} empty={sort === 'waiting' ? 'Nobody is waiting for anything.' : 'No offers in this period yet.'}>
        {/* On a phone each product is a card, each figure named beside it (style.css, .stack): no sideways scroll. */}
        <table aria-label={title} class="stack">
          <thead>
            <tr>
              <th>Product</th>
              {COLUMNS.map(([label]) => (
                <th key={label} class="num">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.variantId}>
                <th scope="row">{p.title}</th>
                {COLUMNS.map(([label, value]) => (
                  <td key={label} class="num" data-label={label}>
                    {value(p)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </States>
    </div>
  );
}
