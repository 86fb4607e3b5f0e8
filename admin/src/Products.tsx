import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { day, num } from './format.ts';
import { Queue } from './Queue.tsx';
import { Alert, ExportButton, Modal, States, useApi } from './ui.tsx';

interface Variant {
  id: string;
  productTitle: string;
  title: string;
  mode: 'waitlist' | 'preorder' | 'off';
  inventory: number;
  available: number;
  queueLength: number;
  activeHolds: number;
  eta: { earliest: string; latest: string } | null;
  preorderLimit: number | null;
  preorderRemaining: number | null;
  effectivePreorderLimit: number | null;
  preorderLimitSource: 'merchant' | 'purchase-orders' | null;
  etaSource: { kind: 'merchant' | 'purchase-order' | null; explanation: string };
  etaAudience: number;
}

/**
 * Every variant with its stock, what the public can buy, the line and the holds,
 * with the three things a merchant changes here: mode, pre-order limit and ETA.
 * An ETA change says first how many customers it will tell.
 */
export function Products() {
  const list = useApi<{ variants: Variant[] }>('/v1/admin/variants?limit=500');
  const rows = list.data?.variants ?? [];
  const load = list.reload;
  const [error, setError] = useState('');
  const [etaFor, setEtaFor] = useState<Variant | null>(null);
  const [queueOf, setQueueOf] = useState<Variant | null>(null);
  const put = async (id: string, body: Record<string, unknown>) => {
    try {
      await api(`/v1/admin/variants/${encodeURIComponent(id)}`, { method: 'PUT', body });
      setError('');
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <h2>Products</h2>
      <p>
        <ExportButton path="/v1/admin/signups.csv" filename="waitline-signups.csv" label="Export all signups (CSV)" />
      </p>
      <Alert message={error} />
      <States state={list} isEmpty={rows.length === 0} empty="No products yet. Variants arrive from Shopify webhooks or PUT /v1/admin/variants/:id.">
      <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>Variant</th>
            <th>Mode</th>
            <th>Stock</th>
            <th>Sellable</th>
            <th>Waiting</th>
            <th>Held</th>
            <th>ETA</th>
            <th>Pre-order limit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.id}>
              <td>
                {variantName(v)}
                <div class="muted">{v.id}</div>
              </td>
              <td>
                <select aria-label={`Mode of ${v.id}`} value={v.mode} onChange={(e) => put(v.id, { mode: (e.target as HTMLSelectElement).value })}>
                  <option value="waitlist">Waitlist</option>
                  <option value="preorder">Pre-order</option>
                  <option value="off">Off</option>
                </select>
              </td>
              <td class="num"><Stock inventory={v.inventory} /></td>
              <td class="num">{num(v.available)}</td>
              <td>
                {num(v.queueLength)}{' '}
                <button class="link" onClick={() => setQueueOf(v)} aria-label={`View line for ${variantName(v)}`}>
                  View
                </button>
              </td>
              <td class="num">{num(v.activeHolds)}</td>
              <td>
                {v.eta ? `${day(v.eta.earliest)} – ${day(v.eta.latest)}` : '—'}{' '}
                <button class="link" onClick={() => setEtaFor(v)}>
                  Change
                </button>
                {v.etaSource.kind ? <div class="muted">{v.etaSource.kind === 'merchant' ? 'Set by you' : `From PO: ${v.etaSource.explanation}`}</div> : null}
              </td>
              <td>
                <input
                  aria-label={`Pre-order limit of ${v.id}`}
                  type="number"
                  min={0}
                  class="narrow"
                  value={v.preorderLimit ?? ''}
                  placeholder={v.preorderLimitSource === 'purchase-orders' ? String(v.effectivePreorderLimit) : ''}
                  title={v.preorderLimitSource === 'purchase-orders' ? 'Empty: open purchase-order units less those owed to backorders' : undefined}
                  onChange={(e) => {
                    const raw = (e.target as HTMLInputElement).value;
                    void put(v.id, { preorderLimit: raw === '' ? null : Number(raw) });
                  }}
                />
                {v.preorderRemaining !== null ? <div class="muted">{num(v.preorderRemaining)} left</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      </States>
      {etaFor ? <EtaDialog v={etaFor} onDone={() => (setEtaFor(null), load())} /> : null}
      {queueOf ? <Queue variantId={queueOf.id} name={variantName(queueOf)} onClose={() => (setQueueOf(null), load())} /> : null}
    </section>
  );
}

function EtaDialog({ v, onDone }: { v: Variant; onDone: () => void }) {
  const [earliest, setEarliest] = useState(v.eta?.earliest ?? '');
  const [latest, setLatest] = useState(v.eta?.latest ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api(`/v1/admin/variants/${encodeURIComponent(v.id)}/eta`, { method: 'POST', body: { earliest, latest, ...(reason ? { reason } : {}) } });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const fromPurchaseOrders = async () => {
    try {
      await api(`/v1/admin/variants/${encodeURIComponent(v.id)}/eta`, { method: 'DELETE' });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal label="Change the ETA" onClose={onDone}>
      <form onSubmit={save}>
        <h3>New ETA for {variantName(v)}</h3>
        <label>
          Earliest <input type="date" autoFocus value={earliest} required onInput={(e) => setEarliest((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Latest <input type="date" value={latest} required onInput={(e) => setLatest((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Reason (told to customers) <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <p>
          <strong>{v.etaAudience}</strong> {v.etaAudience === 1 ? 'customer' : 'customers'} (pre-orders and backorders) will be told of the change.
        </p>
        <Alert message={error} />
        <div class="resolve">
          <button type="submit">Change and notify</button>
          {v.etaSource.kind === 'merchant' ? (
            <button type="button" class="secondary" onClick={fromPurchaseOrders}>
              Use purchase orders instead
            </button>
          ) : null}
          <button type="button" class="link" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The stock figure, and below zero what it means: the store sold units it did not
 * have, and those units are owed to backorders (SPEC, inventory arithmetic).
 */
function Stock({ inventory }: { inventory: number }) {
  if (inventory >= 0) return <>{num(inventory)}</>;
  const owed = -inventory;
  return (
    <>
      {num(inventory)}
      <span class="muted">
        {' · '}
        {num(owed)} {owed === 1 ? 'unit' : 'units'} owed to backorders
      </span>
    </>
  );
}

/** What the merchant calls a variant ("Desk Lamp – Brass"); its platform id only when it has no name. */
const variantName = (v: Pick<Variant, 'id' | 'productTitle' | 'title'>) => [v.productTitle, v.title].filter(Boolean).join(' – ') || v.id;
