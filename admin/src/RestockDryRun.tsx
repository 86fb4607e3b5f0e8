import { num } from './format.ts';

/** The restock console's dry run: what a restock would do, before it is done (admin/src/Restock.tsx). */

export interface VariantRow {
  id: string;
  productTitle: string;
  title: string;
  inventory: number;
  queueLength: number;
  activeHolds: number;
}

interface Person {
  position: number;
  /** Only for those still waiting: their place before the restock (null: they held a unit). */
  before?: number | null;
  contact: string;
  quantity: number;
  kind: string;
}

interface Stock {
  inStock: number;
  held: number;
  forSale: number;
}

export interface Preview {
  from: number;
  to: number;
  preview: { backordersServed: number; offered: number; unitsHeld: number; ranOutNotices: number; stillWaiting: number; messages: number; publicUnits: number };
  stock: Stock;
  ranOutNotice: boolean;
  ranOutNoticeDepth: number;
  offers: Person[];
  next: Person[];
}

/** What the merchant calls a variant ("Desk Lamp – Brass"); its platform id only when it has no name. */
export const name = (v: VariantRow) => [v.productTitle, v.title].filter(Boolean).join(' – ') || v.id;

/** "12 in stock, all held", or how the stock splits between the line and the public. */
export function stockLine({ inStock, held, forSale }: Stock): string {
  if (inStock <= 0) return inStock < 0 ? `Nothing in stock: ${num(-inStock)} owed to backorders` : 'Nothing in stock';
  if (held >= inStock) return `${num(inStock)} in stock, all held`;
  if (held === 0) return `${num(inStock)} in stock, all for sale`;
  return `${num(inStock)} in stock: ${num(held)} held for the line, ${num(forSale)} for sale`;
}

interface DryRunProps {
  p: Preview;
  variant: VariantRow;
  busy: boolean;
  depth: string;
  onDepth: (depth: string) => void;
  onRecount: (e: Event) => void;
  onConfirm: () => void;
}

export function DryRun({ p, variant, busy, depth, onDepth, onRecount, onConfirm }: DryRunProps) {
  const s = p.preview;
  const nothing = p.to <= p.from;
  // A cap typed but not yet counted would make the figures above untrue.
  const stale = p.ranOutNotice && depth !== String(p.ranOutNoticeDepth);
  return (
    <article class="card" aria-label="Dry run">
      <h3>
        Dry run: {name(variant)} from {num(p.from)} to {num(p.to)}
      </h3>
      <p>{stockLine(p.stock)}</p>
      <dl class="kpis">
        <div>
          <dt>Backorders served</dt>
          <dd>{num(s.backordersServed)}</dd>
        </div>
        <div>
          <dt>Holds offered</dt>
          <dd>
            {num(s.offered)} · {num(s.unitsHeld)} units
          </dd>
        </div>
        <div>
          <dt>"Not this time" notices</dt>
          <dd>{num(s.ranOutNotices)}</dd>
        </div>
        <div>
          <dt>Still waiting after</dt>
          <dd>{num(s.stillWaiting)}</dd>
        </div>
        <div>
          <dt>Messages to send</dt>
          <dd>{num(s.messages)}</dd>
        </div>
        <div>
          <dt>Units left for the public</dt>
          <dd>{num(s.publicUnits)}</dd>
        </div>
      </dl>
      {nothing ? null : p.ranOutNotice ? (
        <form class="restock notice-cap" onSubmit={onRecount}>
          <label>
            Send "not this time" to at most
            <input type="number" required min={0} max={100_000} step={1} value={depth} onInput={(e) => onDepth((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" disabled={busy || !stale}>
            Recount
          </button>
        </form>
      ) : (
        <p class="muted">"Not this time" notices are switched off in Settings: nobody still waiting is told.</p>
      )}
      {p.offers.length ? <People title={`Holds go to (first ${p.offers.length})`} rows={p.offers} /> : null}
      {p.next.length ? <People title="Next in line after this" rows={p.next} /> : <p class="muted">Nobody would be left waiting.</p>}
      <p class="muted">Nothing has been written or sent yet.</p>
      <button type="button" disabled={busy || stale} onClick={onConfirm}>
        {nothing ? 'Apply the new count' : 'Confirm restock'}
      </button>
    </article>
  );
}

/** A place, and for those still waiting where they stood before: the line goes on from the holds, "#6 → #1". */
const place = (r: Person) => (r.before === undefined ? `#${num(r.position)}` : r.before === null ? `had a hold → #${num(r.position)}` : `#${num(r.before)} → #${num(r.position)}`);

function People({ title, rows }: { title: string; rows: Person[] }) {
  const moved = rows.some((r) => r.before !== undefined);
  return (
    <table class="stack" aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th class="num">{moved ? 'Place now → after' : 'Place'}</th>
          <th>Contact</th>
          <th class="num">Units</th>
          <th>Kind</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.position}:${r.contact}`}>
            <td class="num" data-label={moved ? 'Place now → after' : 'Place'}>
              {place(r)}
            </td>
            <td data-label="Contact">{r.contact}</td>
            <td class="num" data-label="Units">
              {num(r.quantity)}
            </td>
            <td data-label="Kind">{r.kind === 'preorder' ? 'Pre-order' : 'Waitlist'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
