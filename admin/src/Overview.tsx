import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';

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

const PERIODS = [7, 30, 90] as const;
const STEPS = [
  ['signups', 'Signups'],
  ['offered', 'Offered'],
  ['opened', 'Opened'],
  ['clicked', 'Clicked'],
  ['purchased', 'Purchased'],
] as const;

const money = (minor: number, currency: string | null) =>
  currency ? new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100) : String(minor / 100);
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** What marketers ask first: how the waitlist converts over a period, and what it earned. */
export function Overview() {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const [f, setF] = useState<Funnel | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    api<Funnel>(`/v1/admin/analytics/funnel?from=${from.toISOString()}&to=${to.toISOString()}`)
      .then((r) => (setF(r), setError('')))
      .catch((e: Error) => setError(e.message));
  }, [days]);
  const top = f ? Math.max(1, f.signups, f.offered) : 1;
  return (
    <section>
      <h2>Overview</h2>
      <div role="tablist" aria-label="Period">
        {PERIODS.map((d) => (
          <button key={d} role="tab" aria-selected={days === d} class={days === d ? 'active' : ''} onClick={() => setDays(d)}>
            Last {d} days
          </button>
        ))}
      </div>
      {error ? <p class="error">{error}</p> : null}
      {f ? (
        <>
          <table class="funnel" aria-label="Funnel">
            <tbody>
              {STEPS.map(([key, label]) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td class="count">{f[key]}</td>
                  <td class="bar">
                    <span style={`width:${(f[key] / top) * 100}%`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl class="kpis">
            <div>
              <dt>Conversion (purchased / offered)</dt>
              <dd>{pct(f.conversionRate)}</dd>
            </div>
            <div>
              <dt>Revenue recovered</dt>
              <dd>{money(f.revenue, f.currency)}</dd>
            </div>
            <div>
              <dt>Direct (hold link or click)</dt>
              <dd>
                {money(f.revenueDirect, f.currency)} · {f.direct} orders
              </dd>
            </div>
            <div>
              <dt>Assisted (contact match)</dt>
              <dd>
                {money(f.revenueAssisted, f.currency)} · {f.assisted} orders
              </dd>
            </div>
            <div>
              <dt>Median time to purchase</dt>
              <dd>{f.medianHoursToPurchase === null ? '—' : `${f.medianHoursToPurchase} h`}</dd>
            </div>
            <div>
              <dt>Holds that expired</dt>
              <dd>
                {pct(f.holdExpiryRate)} · {f.expired}
              </dd>
            </div>
          </dl>
        </>
      ) : null}
    </section>
  );
}
