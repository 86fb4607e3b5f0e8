import { useState } from 'preact/hooks';
import { api, ApiError, credentials } from './api.ts';
import { day, num, pct } from './format.ts';
import { States, useApi } from './ui.tsx';

interface PurchaseOrder {
  id: number;
  supplier: string;
  variantId: string;
  quantity: number;
  receivedQuantity: number;
  outstanding: number;
  quotedArrival: string;
  status: 'open' | 'received' | 'cancelled';
}

interface Supplier {
  id: number;
  name: string;
  receipts: number;
  onTimeRate: number | null;
  medianSlipDays: number | null;
  slipRange: { low: number; high: number; basedOn: 'supplier' | 'blended' | 'prior' };
  openPurchaseOrders: PurchaseOrder[];
}

const late = (d: number | null) => (d === null ? '—' : d === 0 ? 'on time' : d > 0 ? `${num(d)} d late` : `${num(-d)} d early`);
const BASIS = {
  supplier: 'Planned from its own deliveries.',
  blended: "Few deliveries on record yet, so blended with the shop's history.",
  prior: "No deliveries on record yet, so the shop's default until it has some.",
};

/**
 * Suppliers as their record shows them (on time how often, how late usually),
 * their open purchase orders, and the three things a merchant does with a PO:
 * receive it (which restocks), move its quoted date (which tells customers),
 * or close it short.
 */
export function Suppliers() {
  const list = useApi<{ suppliers: Supplier[] }>('/v1/admin/suppliers?limit=100');
  const suppliers = list.data?.suppliers ?? [];
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const act = async (work: () => Promise<string>) => {
    try {
      setStatus({ ok: true, text: await work() });
      await list.reload();
    } catch (e) {
      setStatus({ ok: false, text: (e as Error).message });
    }
  };
  const told = (n: number) => (n ? ` ${num(n)} ${n === 1 ? 'customer was' : 'customers were'} told of the new ETA.` : '');
  return (
    <section>
      <h2>Suppliers</h2>
      <NewPurchaseOrder onCreate={(body) => act(async () => `Purchase order added.${told((await api<{ notified: number }>('/v1/admin/purchase-orders', { method: 'POST', body })).notified)}`)} />
      <label class="secondary upload">
        Import purchase orders (CSV: supplier, variant, quantity, quoted_arrival){' '}
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (file)
              void act(async () => {
                const { imported } = await importCsv(file);
                return `Imported ${num(imported)} purchase ${imported === 1 ? 'order' : 'orders'}.`;
              });
          }}
        />
      </label>
      {status ? (
        <p class={status.ok ? 'muted' : 'error'} role="status">
          {status.text}
        </p>
      ) : null}
      <States state={list} isEmpty={suppliers.length === 0} empty="No suppliers yet. Add a purchase order above: its supplier is created with it.">
        {suppliers.map((s) => (
          <article class="card" key={s.id} aria-label={s.name}>
            <h3>{s.name}</h3>
            <dl class="kpis">
              <div>
                <dt>On time</dt>
                <dd>{s.onTimeRate === null ? '—' : pct(s.onTimeRate)}</dd>
              </div>
              <div>
                <dt>Usually</dt>
                <dd>{late(s.medianSlipDays)}</dd>
              </div>
              <div>
                <dt>Range we plan with</dt>
                <dd>
                  {late(s.slipRange.low)} to {late(s.slipRange.high)}
                </dd>
              </div>
              <div>
                <dt>Deliveries on record</dt>
                <dd>{num(s.receipts)}</dd>
              </div>
            </dl>
            <p class="muted">{BASIS[s.slipRange.basedOn]}</p>
            {s.openPurchaseOrders.length ? (
              <div class="scroll">
                <table aria-label={`Open purchase orders from ${s.name}`}>
                  <thead>
                    <tr>
                      <th>PO</th>
                      <th>Variant</th>
                      <th class="num">Ordered</th>
                      <th class="num">To come</th>
                      <th>Quoted arrival</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {s.openPurchaseOrders.map((po) => (
                      <PoRow key={po.id} po={po} act={act} told={told} />
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p class="muted">No open purchase orders.</p>
            )}
          </article>
        ))}
      </States>
    </section>
  );
}

function PoRow({ po, act, told }: { po: PurchaseOrder; act: (w: () => Promise<string>) => Promise<void>; told: (n: number) => string }) {
  const [units, setUnits] = useState(String(po.outstanding));
  const [date, setDate] = useState(po.quotedArrival);
  const path = `/v1/admin/purchase-orders/${po.id}`;
  return (
    <tr>
      <td>#{po.id}</td>
      <td>{po.variantId}</td>
      <td class="num">{num(po.quantity)}</td>
      <td class="num">{num(po.outstanding)}</td>
      <td>
        <input type="date" aria-label={`Quoted arrival of PO ${po.id}`} value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />{' '}
        {date !== po.quotedArrival ? (
          <button type="button" class="secondary" onClick={() => act(async () => `PO #${po.id} now quoted for ${day(date)}.${told((await api<{ notified: number }>(path, { method: 'PATCH', body: { quotedArrival: date } })).notified)}`)}>
            Save date
          </button>
        ) : null}
      </td>
      <td class="actions">
        <input class="narrow" type="number" min={1} max={po.outstanding} aria-label={`Units received on PO ${po.id}`} value={units} onInput={(e) => setUnits((e.target as HTMLInputElement).value)} />{' '}
        <button
          type="button"
          onClick={() =>
            act(async () => {
              const r = await api<{ allocation: { backordersServed: number; offered: number }; receipt: { slipDays: number } }>(`${path}/receive`, { method: 'POST', body: { quantity: Number(units) } });
              return `Received ${num(Number(units))} on PO #${po.id} (${late(r.receipt.slipDays)}): ${num(r.allocation.backordersServed)} backorders served, ${num(r.allocation.offered)} holds offered.`;
            })
          }
        >
          Receive
        </button>{' '}
        <button
          type="button"
          class="link"
          onClick={() => confirm(`Close PO #${po.id}? Units not received will not come.`) && act(async () => `PO #${po.id} closed.${told((await api<{ notified: number }>(`${path}/close`, { method: 'POST' })).notified)}`)}
        >
          Close
        </button>
      </td>
    </tr>
  );
}

function NewPurchaseOrder({ onCreate }: { onCreate: (body: Record<string, unknown>) => Promise<void> }) {
  const variants = useApi<{ variants: Array<{ id: string; productTitle: string; title: string }> }>('/v1/admin/variants?limit=500');
  const [form, setForm] = useState({ supplier: '', variantId: '', quantity: '', quotedArrival: '' });
  const field = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    await onCreate({ ...form, variantId: form.variantId || variants.data?.variants[0]?.id, quantity: Number(form.quantity) });
    setForm({ ...form, quantity: '', quotedArrival: '' });
  };
  return (
    <form class="card restock" onSubmit={submit} aria-label="New purchase order">
      <h3>New purchase order</h3>
      <label>
        Supplier <input required value={form.supplier} onInput={field('supplier')} />
      </label>
      <label>
        Variant
        <select value={form.variantId} onChange={field('variantId')}>
          {(variants.data?.variants ?? []).map((v) => (
            <option key={v.id} value={v.id}>
              {[v.productTitle, v.title].filter(Boolean).join(' – ') || v.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Quantity <input type="number" min={1} required value={form.quantity} onInput={field('quantity')} />
      </label>
      <label>
        Quoted arrival <input type="date" required value={form.quotedArrival} onInput={field('quotedArrival')} />
      </label>
      <button type="submit">Add purchase order</button>
    </form>
  );
}

/** The import is all or nothing; its 400 names each bad row, which the message shows. */
async function importCsv(file: File): Promise<{ imported: number }> {
  const res = await fetch('/v1/admin/purchase-orders/import', {
    method: 'POST',
    headers: { ...credentials('POST'), 'content-type': 'text/csv' },
    body: await file.text(),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const rows = (data?.errors ?? []).slice(0, 5).map((e: { row: number; field: string; message: string }) => `row ${e.row}: ${e.field} ${e.message}`);
    throw new ApiError(res.status, [data?.error?.message ?? `Import failed (${res.status})`, ...rows].join('; '));
  }
  return data;
}
