import { useEffect, useRef, useState } from 'preact/hooks';
import { api, events } from './api.ts';
import { dateTime, num, pct } from './format.ts';
import { Alert, States, useApi } from './ui.tsx';
import { DryRun, name, type Preview, type VariantRow } from './RestockDryRun.tsx';

interface Progress {
  offers: number;
  messages: { total: number; queued: number; sent: number; failed: number };
  percent: number;
  done: boolean;
}

interface RestockRow {
  id: number;
  variantId: string;
  from: number;
  to: number;
  units: number;
  offered: number;
  backordersServed: number;
  createdAt: string;
  progress: Progress;
}

/** The SSE payload is the progress itself, or a restock carrying it. */
const progressOf = (data: unknown): Progress => {
  const d = data as { progress?: Progress; restock?: { progress: Progress } } & Progress;
  return d.restock?.progress ?? d.progress ?? d;
};

/**
 * Restock with confidence: say how many units came in, see exactly what will
 * happen (a dry run of the real allocation, nothing written), confirm, and
 * watch the offers and messages go out.
 */
export function Restock() {
  const list = useApi<{ variants: VariantRow[] }>('/v1/admin/variants?limit=500');
  const variants = list.data?.variants ?? [];
  const [variantId, setVariantId] = useState('');
  const [how, setHow] = useState<'adjust' | 'available'>('adjust');
  const [units, setUnits] = useState('');
  /** This restock's cap on "not this time" notices; empty until a dry run fills in the shop's setting. */
  const [depth, setDepth] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [recentKey, setRecentKey] = useState(0);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(), []);
  useEffect(() => {
    if (!variantId && variants[0]) setVariantId(variants[0].id);
  }, [variants]);
  const variant = variants.find((v) => v.id === variantId);
  const body = (ranOutNoticeDepth = depth) => ({ [how]: Number(units), ...(ranOutNoticeDepth === '' ? {} : { ranOutNoticeDepth: Number(ranOutNoticeDepth) }) });
  const path = `/v1/admin/variants/${encodeURIComponent(variantId)}/inventory`;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const dryRun = (e: Event) => {
    e.preventDefault();
    setProgress(null);
    void run(async () => {
      const p = await api<Preview>(`${path}/preview`, { method: 'POST', body: body() });
      setPreview(p);
      setDepth(String(p.ranOutNoticeDepth));
    });
  };
  // The restock sends what its dry run showed: the depth that was previewed, not a draft typed since.
  const confirmRestock = (p: Preview) =>
    run(async () => {
      const { restockId } = await api<{ restockId: number | null }>(path, { method: 'POST', body: body(String(p.ranOutNoticeDepth)) });
      setPreview(null);
      setUnits('');
      setDepth('');
      void list.reload();
      if (restockId === null) return setProgress({ offers: 0, messages: { total: 0, queued: 0, sent: 0, failed: 0 }, percent: 100, done: true });
      stop.current?.abort();
      stop.current = new AbortController();
      await events(`/v1/admin/restocks/${restockId}/events`, (_event, data) => setProgress(progressOf(data)), stop.current.signal);
      setRecentKey((k) => k + 1);
    });

  return (
    <section>
      <h2>Restock</h2>
      <States state={list} isEmpty={variants.length === 0} empty="No products yet. Add variants through the API or a Shopify connection first.">
        <form class="card restock" onSubmit={dryRun}>
          <label>
            Variant
            <select value={variantId} onChange={(e) => (setVariantId((e.target as HTMLSelectElement).value), setPreview(null), setDepth(''))}>
              {variants.map((v) => (
                <option key={v.id} value={v.id}>
                  {name(v)} · {num(v.inventory)} in stock · {num(v.queueLength)} waiting
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>Units</legend>
            <label class="check">
              <input type="radio" name="how" checked={how === 'adjust'} onChange={() => (setHow('adjust'), setPreview(null))} /> Units arrived (add)
            </label>
            <label class="check">
              <input type="radio" name="how" checked={how === 'available'} onChange={() => (setHow('available'), setPreview(null))} /> Stock is now (set)
            </label>
            <input aria-label="Units" type="number" required min={how === 'available' ? 0 : undefined} step={1} value={units} onInput={(e) => (setUnits((e.target as HTMLInputElement).value), setPreview(null))} />
          </fieldset>
          <button type="submit" disabled={busy || !variantId}>
            Preview
          </button>
          <Alert message={error} />
        </form>
        {preview && variant ? (
          <DryRun p={preview} variant={variant} busy={busy} depth={depth} onDepth={setDepth} onRecount={dryRun} onConfirm={() => void confirmRestock(preview)} />
        ) : null}
        {progress ? <ProgressCard p={progress} /> : null}
        {variantId ? <Recent variantId={variantId} key={`${variantId}:${recentKey}`} /> : null}
      </States>
    </section>
  );
}

function ProgressCard({ p }: { p: Progress }) {
  const m = p.messages;
  return (
    <article class="card" aria-label="Restock progress">
      <h3>{p.done ? 'Restock sent' : 'Sending…'}</h3>
      <progress max={100} value={p.percent} aria-label="Messages sent" aria-valuetext={`${p.percent}%`} />
      <p role="status">
        {num(p.percent)}% · {num(p.offers)} offers written · {num(m.sent)} of {num(m.total)} messages sent · {num(m.failed)} failed
      </p>
    </article>
  );
}

function Recent({ variantId }: { variantId: string }) {
  const state = useApi<{ restocks: RestockRow[] }>(`/v1/admin/restocks?variantId=${encodeURIComponent(variantId)}&limit=10`);
  const rows = state.data?.restocks ?? [];
  return (
    <div class="card">
      <h3>Recent restocks</h3>
      <States state={state} isEmpty={rows.length === 0} empty="No restocks of this variant yet.">
        <table aria-label="Recent restocks">
          <thead>
            <tr>
              <th>When</th>
              <th class="num">Stock</th>
              <th class="num">Backorders</th>
              <th class="num">Offers</th>
              <th class="num">Messages</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{dateTime(r.createdAt)}</td>
                <td class="num">
                  {num(r.from)} → {num(r.to)}
                </td>
                <td class="num">{num(r.backordersServed)}</td>
                <td class="num">{num(r.offered)}</td>
                <td class="num">
                  {num(r.progress.messages.sent)}/{num(r.progress.messages.total)}
                  {r.progress.messages.failed ? ` · ${num(r.progress.messages.failed)} failed` : ''} ({pct(r.progress.percent / 100)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </States>
    </div>
  );
}
