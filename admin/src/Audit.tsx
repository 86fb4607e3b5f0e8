import { useState } from 'preact/hooks';
import { dateTime } from './format.ts';
import { States, useApi } from './ui.tsx';

interface Entry {
  id: number;
  actor: string;
  actorKind: 'member' | 'key';
  role: string;
  action: string;
  target: string | null;
  status: number;
  request: unknown;
  before: unknown;
  after: unknown;
  createdAt: string;
}

/** The actions a merchant reads most, in words; any other shows its route. */
const ACTIONS: Record<string, string> = {
  'PATCH /v1/admin/settings': 'Changed settings',
  'PUT /v1/admin/variants/:id': 'Saved a product variant',
  'POST /v1/admin/variants/:id/inventory': 'Changed stock (restock)',
  'POST /v1/admin/variants/:id/eta': 'Changed an ETA',
  'DELETE /v1/admin/variants/:id/eta': 'Cleared an ETA',
  'POST /v1/admin/signups/:id/remove': 'Removed someone from a line',
  'POST /v1/admin/signups/:id/move-to-front': 'Moved someone to the front',
  'POST /v1/admin/orders': 'Recorded an order',
  'POST /v1/admin/escalations/:id/resolve': 'Resolved an escalation',
  'POST /v1/admin/backorders/:id/refunded': 'Recorded a refund',
  'POST /v1/admin/backorders/:id/fulfilled': 'Marked a backorder shipped',
  'POST /v1/admin/backorders/:id/confirm-partial': 'Confirmed a partial shipment',
  'POST /v1/admin/backorders/bulk': 'Acted on several backorders',
  'POST /v1/admin/keys/rotate': 'Replaced a key',
  'POST /v1/admin/members': 'Invited someone',
  'PATCH /v1/admin/members/:id': "Changed someone's role",
  'DELETE /v1/admin/members/:id': 'Removed someone from the team',
  'POST /v1/admin/contacts/erase': "Erased a customer's data",
  'POST /v1/auth/session': 'Signed in by link',
};

/** Only the fields an action changed, each as before → after; the whole records stay one click away. */
function changes(before: unknown, after: unknown): Array<[string, string, string]> {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return [];
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const shown = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => [k, shown(b[k]), shown(a[k])]);
}

/** Who changed what, newest first: every admin action, by a person or the secret key. Owners only. */
export function Audit() {
  const [actor, setActor] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const log = useApi<{ entries: Entry[]; nextCursor: string | null }>(`/v1/admin/audit?limit=50${actor ? `&actor=${encodeURIComponent(actor)}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
  return (
    <section>
      <h2>Audit log</h2>
      <div class="filters">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" placeholder="an email, or secret key" value={actor} onChange={(e) => (setCursor(null), setActor((e.target as HTMLInputElement).value.trim()))} />
      </div>
      <States state={log} isEmpty={!log.data?.entries.length} empty={<p class="muted">Nothing has been changed yet.</p>}>
        <table class="stack" aria-label="Audit log">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {log.data?.entries.map((e) => {
              const changed = changes(e.before, e.after);
              return (
                <tr key={e.id}>
                  <td data-label="When">{dateTime(e.createdAt)}</td>
                  <td data-label="Who">
                    {e.actor} <span class="muted">({e.role})</span>
                  </td>
                  <td data-label="What">
                    {ACTIONS[e.action] ?? <code>{e.action}</code>}
                    {e.target ? <span class="muted"> · {e.target}</span> : null}
                  </td>
                  <td data-label="Change">
                    {changed.length ? (
                      <ul class="changes">
                        {changed.slice(0, 6).map(([k, from, to]) => (
                          <li key={k}>
                            {k}: {from} → {to}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <details>
                      <summary>Details</summary>
                      <pre>{JSON.stringify({ action: e.action, request: e.request, before: e.before, after: e.after }, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {log.data?.nextCursor ? (
          <button type="button" onClick={() => setCursor(log.data!.nextCursor)}>
            Older
          </button>
        ) : null}
      </States>
    </section>
  );
}
