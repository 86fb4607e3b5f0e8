import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { date, day, num, pct } from './format.ts';
import { Alert, Kpi, States, Tabs, useApi, type Loaded } from './ui.tsx';

type Status = 'open' | 'allocated' | 'shipped' | 'cancelled' | 'refunded';
type Filter = '' | Status | 'late' | 'escalated';

interface Line {
  id: number;
  orderId: string;
  orderName: string | null;
  variantId: string;
  /** The item's name when the API gives it; otherwise the variant list names it. */
  item?: string;
  quantity: number;
  served: number;
  status: Status;
  /** Part of the line is set aside; its customer hears once a person confirms that part ships now. */
  awaitingConfirmation?: boolean;
  eta: { earliest: string; latest: string } | null;
  createdAt: string;
}

interface Report {
  backorders: { handled: number };
  messagesSent: number;
  replies: { total: number; automatic: number; byPerson: number };
  cancellations: number;
  deflected: { count: number; of: number; rate: number | null };
}

interface Variant {
  id: string;
  productTitle: string;
  title: string;
}

type Outcome = { id: number; ok: true } | { id: number; ok: false; error: { code: string; message: string } };

const FILTERS: Array<[Filter, string]> = [
  ['', 'All'],
  ['open', 'Open'],
  ['late', 'Late'],
  ['escalated', 'Escalated'],
  ['allocated', 'Allocated'],
  ['shipped', 'Shipped'],
  ['cancelled', 'Cancelled'],
  ['refunded', 'Refunded'],
];

/** The bulk endpoint takes at most this many ids a call. */
const BULK_MAX = 200;

const variantName = (v: Variant) => [v.productTitle, v.title].filter((s) => s && s !== 'Default Title').join(' – ') || v.id;
const inputValue = (e: Event) => (e.target as HTMLInputElement).value;

/** What the desk did over the last 30 days (the server's default period). */
function Outcomes({ state }: { state: Loaded<{ report: Report }> }) {
  const r = state.data?.report;
  return (
    <States state={state} isEmpty={false} empty="">
      {r ? (
        <dl class="kpis" aria-label="Last 30 days">
          <Kpi label="Handled" value={num(r.backorders.handled)} />
          <Kpi label="Messages sent" value={num(r.messagesSent)} />
          <Kpi label="Replies handled automatically" value={num(r.replies.automatic)} />
          <Kpi label="Replies handled by a person" value={num(r.replies.byPerson)} />
          <Kpi label="Cancellations" value={num(r.cancellations)} />
          <Kpi label="Deflected" value={`${num(r.deflected.count)} of ${num(r.deflected.of)}${r.deflected.rate === null ? '' : ` · ${pct(r.deflected.rate)}`}`} />
        </dl>
      ) : null}
    </States>
  );
}

/**
 * The list as pages appended by the cursor ("Load more"), shaped as `Loaded`
 * so `States` shows its loading, failed and empty states; a new `query` starts over.
 */
function useLines(query: string) {
  const [lines, setLines] = useState<Line[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const page = await api<{ backorders: Line[]; nextCursor: string | null }>(`/v1/admin/backorders?${query}${cursor ? `&cursor=${cursor}` : ''}`);
        setLines((before) => (cursor && before ? [...before, ...page.backorders] : page.backorders));
        setNext(page.nextCursor);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [query],
  );
  useEffect(() => {
    setLines(null);
    void load(null);
  }, [load]);
  const state: Loaded<Line[]> = { data: lines, error, loading, reload: () => load(null) };
  return { state, lines: lines ?? [], more: next ? () => load(next) : null };
}

/** Carrier and tracking for "Mark shipped": all optional, the customer's email carries what is given. */
function ShipForm({ count, onShip, onCancel }: { count: number; onShip: (tracking: Record<string, string>) => void; onCancel: () => void }) {
  const [carrier, setCarrier] = useState('');
  const [trackingNumber, setTrackingNumber] = useState('');
  const [trackingUrl, setTrackingUrl] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    onShip(Object.fromEntries(Object.entries({ carrier, trackingNumber, trackingUrl }).filter(([, v]) => v.trim())));
  };
  return (
    <form class="card restock" aria-label="Mark shipped" onSubmit={submit}>
      <label>
        Carrier <input value={carrier} maxLength={100} onInput={(e) => setCarrier(inputValue(e))} />
      </label>
      <label>
        Tracking number <input value={trackingNumber} maxLength={100} onInput={(e) => setTrackingNumber(inputValue(e))} />
      </label>
      <label>
        Tracking URL <input type="url" value={trackingUrl} placeholder="https://" onInput={(e) => setTrackingUrl(inputValue(e))} />
      </label>
      <div class="resolve">
        <button type="submit">Mark {num(count)} shipped</button>
        <button type="button" class="link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One new ETA for every waiting line of the product; the server tells each customer once. */
function MoveEta({ variantId, name, onMoved }: { variantId: string; name: string; onMoved: () => void }) {
  const [earliest, setEarliest] = useState('');
  const [latest, setLatest] = useState('');
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const res = await api<{ changed: boolean; notified: number }>(`/v1/admin/variants/${encodeURIComponent(variantId)}/eta`, {
        method: 'POST',
        body: { earliest, latest, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setStatus({ ok: true, text: res.changed ? `${num(res.notified)} ${res.notified === 1 ? 'customer' : 'customers'} told` : 'That is already the ETA; nobody was told again.' });
      onMoved();
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form class="card restock" aria-label="Move ETA for this product" onSubmit={save}>
      <h3>Move ETA for this product</h3>
      <p class="muted">{name}: every customer still waiting hears of the new range once.</p>
      <div class="row">
        <label>
          Earliest <input type="date" required value={earliest} onInput={(e) => setEarliest(inputValue(e))} />
        </label>
        <label>
          Latest <input type="date" required min={earliest || undefined} value={latest} onInput={(e) => setLatest(inputValue(e))} />
        </label>
      </div>
      <label>
        Reason (told to customers) <input value={reason} maxLength={300} onInput={(e) => setReason(inputValue(e))} />
      </label>
      <div class="resolve">
        <button type="submit">Move ETA and notify</button>
        {status ? (
          <span class={status.ok ? 'muted' : 'error'} role={status.ok ? 'status' : 'alert'}>
            {status.text}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/**
 * The backorder desk: what it achieved, the lines owed (filtered by status,
 * supplier or product), and the two things done to many lines at once: ship
 * them with one tracking, or cancel them with a refund (made by a connected store, else by the merchant).
 * Each line is its own change on the server, so the outcome names every line refused.
 */
export function Backorders() {
  const report = useApi<{ report: Report }>('/v1/admin/backorders/report');
  const suppliers = useApi<{ suppliers: Array<{ id: number; name: string }> }>('/v1/admin/suppliers?limit=500');
  const variants = useApi<{ variants: Variant[] }>('/v1/admin/variants?limit=500');
  const names = new Map((variants.data?.variants ?? []).map((v) => [v.id, variantName(v)]));

  const [status, setStatus] = useState<Filter>('');
  const [supplierId, setSupplierId] = useState('');
  const [variantId, setVariantId] = useState('');
  const query = new URLSearchParams({ limit: '50', ...(status ? { status } : {}), ...(supplierId ? { supplierId } : {}), ...(variantId ? { variantId } : {}) }).toString();
  const { state, lines, more } = useLines(query);

  const [selected, setSelected] = useState<Set<number>>(new Set());
  useEffect(() => setSelected(new Set()), [query]);
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const allSelected = lines.length > 0 && lines.every((l) => selected.has(l.id));

  const [shipping, setShipping] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [outcome, setOutcome] = useState<{ done: string; refused: Array<{ id: number; text: string }> } | null>(null);
  const byId = new Map(lines.map((l) => [l.id, l]));
  /** Named when the action ends, so the outcome still reads right after the list reloads or the filters change. */
  const label = (id: number) => {
    const l = byId.get(id);
    return l ? `Order ${l.orderName ?? l.orderId}` : `Line ${id}`;
  };

  /** Sends the selection in calls of at most BULK_MAX ids; a refusal of the whole call (the 409) stops and is shown as an alert. */
  const bulk = async (body: Record<string, unknown>, verb: string) => {
    const ids = [...selected];
    setBusy(true);
    setError('');
    setOutcome(null);
    const results: Outcome[] = [];
    try {
      for (let i = 0; i < ids.length; i += BULK_MAX)
        results.push(...(await api<{ results: Outcome[] }>('/v1/admin/backorders/bulk', { method: 'POST', body: { ...body, ids: ids.slice(i, i + BULK_MAX) } })).results);
      setShipping(false);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? e.message : `${results.length ? 'The remaining lines were not sent: ' : ''}${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
    if (results.length) {
      const refused = results.flatMap((r) => (r.ok ? [] : [{ id: r.id, text: `${label(r.id)}: ${r.error.message}` }]));
      setOutcome({ done: `${num(results.length - refused.length)} ${verb}${refused.length ? `, ${num(refused.length)} refused` : ''}`, refused });
      setSelected(new Set());
      await Promise.all([state.reload(), report.reload()]);
    }
  };
  /** A partial shipment goes ahead: the customer is told what is being packed and what follows. */
  const confirmPartial = async (l: Line) => {
    setBusy(true);
    setError('');
    setOutcome(null);
    try {
      await api(`/v1/admin/backorders/${l.id}/confirm-partial`, { method: 'POST', body: {} });
      setOutcome({ done: `${label(l.id)}: partial shipment confirmed and the customer told`, refused: [] });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
    await Promise.all([state.reload(), report.reload()]);
  };
  const refund = () => {
    if (!confirm(`Cancel ${selected.size} ${selected.size === 1 ? 'line' : 'lines'} and refund what each still owes? A connected store is asked to make the refund; otherwise this records the refund you made. Each customer is told.`)) return;
    void bulk({ action: 'refunded' }, 'cancelled with refund');
  };

  return (
    <section class="desk">
      <h2>Backorders</h2>
      <h3>Last 30 days</h3>
      <Outcomes state={report} />

      <h3>Lines</h3>
      <Tabs label="Status" options={FILTERS} value={status} onChange={setStatus} />
      <div class="filters">
        <label>
          Supplier{' '}
          <select value={supplierId} onChange={(e) => setSupplierId((e.target as HTMLSelectElement).value)}>
            <option value="">All suppliers</option>
            {(suppliers.data?.suppliers ?? []).map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Product{' '}
          <select value={variantId} onChange={(e) => setVariantId((e.target as HTMLSelectElement).value)}>
            <option value="">All products</option>
            {(variants.data?.variants ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {variantName(v)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {variantId ? <MoveEta key={variantId} variantId={variantId} name={names.get(variantId) ?? variantId} onMoved={() => void state.reload()} /> : null}

      <div class="filters" role="group" aria-label="Bulk actions">
        <button type="button" disabled={!selected.size || busy} onClick={() => setShipping(true)}>
          Mark shipped
        </button>
        <button type="button" class="secondary" disabled={!selected.size || busy} onClick={refund}>
          Cancel with refund
        </button>
        <span class="muted">{selected.size ? `${num(selected.size)} selected` : 'Select lines to act on them.'}</span>
      </div>
      {shipping && selected.size ? <ShipForm count={selected.size} onShip={(tracking) => void bulk({ action: 'fulfilled', ...tracking }, 'shipped')} onCancel={() => setShipping(false)} /> : null}
      <Alert message={error} />
      {outcome ? (
        <div class="card" role="status">
          <p>{outcome.done}.</p>
          {outcome.refused.length ? (
            <ul aria-label="Refused lines">
              {outcome.refused.map((r) => (
                <li key={r.id}>{r.text}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <States state={state} isEmpty={lines.length === 0} empty="No backorder lines match these filters.">
        <div class="scroll">
          <table>
            <caption>Backorder lines, oldest order first</caption>
            <thead>
              <tr>
                <th class="pick">
                  <input type="checkbox" aria-label="Select all shown" checked={allSelected} onChange={(e) => setSelected(new Set((e.target as HTMLInputElement).checked ? lines.map((l) => l.id) : []))} />
                </th>
                <th>Order</th>
                <th>Item</th>
                <th class="num">Owed</th>
                <th>Status</th>
                <th>ETA</th>
                <th>Ordered</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.id}>
                  <td class="pick">
                    <input type="checkbox" aria-label={`Select order ${l.orderName ?? l.orderId}`} checked={selected.has(l.id)} onChange={(e) => toggle(l.id, (e.target as HTMLInputElement).checked)} />
                  </td>
                  <td>{l.orderName ?? l.orderId}</td>
                  <td>{l.item ?? names.get(l.variantId) ?? l.variantId}</td>
                  <td class="num">{num(l.quantity - l.served)}</td>
                  <td>
                    {l.awaitingConfirmation ? (
                      <>
                        Partial: {num(l.served)} of {num(l.quantity)} set aside, awaiting confirmation{' '}
                        <button type="button" class="secondary" disabled={busy} onClick={() => void confirmPartial(l)} aria-label={`Confirm partial shipment of order ${l.orderName ?? l.orderId}`}>
                          Confirm
                        </button>
                      </>
                    ) : (
                      l.status
                    )}
                  </td>
                  <td>{l.eta ? `${day(l.eta.earliest)} – ${day(l.eta.latest)}` : '—'}</td>
                  <td>{date(l.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {more ? (
          <button type="button" class="secondary" disabled={state.loading} onClick={() => void more()}>
            {state.loading ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
      </States>
    </section>
  );
}
