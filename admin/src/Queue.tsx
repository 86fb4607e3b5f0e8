import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { maskContact as mask } from '../../server/lib/mask.ts';
import { date, dateTime } from './format.ts';
import { Preview, type MessageRow } from './Messages.tsx';
import { Alert, ExportButton, Modal } from './ui.tsx';

interface Place {
  id: number;
  email: string | null;
  phone: string | null;
  status: string;
  position: number | null;
  quantity: number;
  kind: string;
  createdAt: string;
  offer?: { expiresAt: string; units: number };
}

function left(iso: string, now: number) {
  const ms = new Date(iso).getTime() - now;
  if (ms <= 0) return 'ending';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return h ? `${h} h ${m} min left` : `${m} min left`;
}

/** One variant's line in FIFO order: places, holds with their countdown, and a hand on the line that is always explained. */
export function Queue({ variantId, name, onClose }: { variantId: string; name: string; onClose: () => void }) {
  const [places, setPlaces] = useState<Place[] | null>(null);
  const [now, setNow] = useState(Date.now());
  const [history, setHistory] = useState<Record<number, MessageRow[]>>({});
  const [reading, setReading] = useState<MessageRow | null>(null);
  const [error, setError] = useState('');
  const load = async () => {
    const q = (status: string) => api<{ signups: Place[] }>(`/v1/admin/signups?variantId=${encodeURIComponent(variantId)}&status=${status}&limit=500`);
    try {
      const [offered, waiting, pending] = await Promise.all([q('offered'), q('waiting'), q('pending')]);
      setPlaces([...offered.signups, ...waiting.signups, ...pending.signups]);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(tick);
  }, [variantId]);
  const [asking, setAsking] = useState<{ place: Place; action: 'remove' | 'move-to-front' } | null>(null);
  const act = async (p: Place, action: 'remove' | 'move-to-front', reason: string) => {
    try {
      await api(`/v1/admin/signups/${p.id}/${action}`, { method: 'POST', body: { reason } });
      setError('');
      setAsking(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const messages = async (p: Place) =>
    setHistory({ ...history, [p.id]: (await api<{ messages: MessageRow[] }>(`/v1/admin/messages?signupId=${p.id}`)).messages });
  return (
    <section class="card" aria-label={`Line for ${name}`}>
      <h3>
        Line for {name}{' '}
        <button class="link" onClick={onClose}>
          Close
        </button>
      </h3>
      <ExportButton path={`/v1/admin/signups.csv?variantId=${encodeURIComponent(variantId)}`} filename={`waitline-${variantId}.csv`} label="Export this line (CSV)" />
      <Alert message={error} />
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>Contact</th>
            <th>Status</th>
            <th>Hold</th>
            <th>Joined</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(places ?? []).map((p) => (
            <Fragment key={p.id}>
              <tr>
                <td>{p.position ?? '—'}</td>
                <td>{mask(p.email, p.phone)}</td>
                <td>
                  {p.status}
                  {p.kind === 'preorder' ? ' · pre-order' : ''}
                  {p.quantity > 1 ? ` · ${p.quantity} units` : ''}
                </td>
                <td>{p.offer ? left(p.offer.expiresAt, now) : '—'}</td>
                <td>{date(p.createdAt)}</td>
                <td class="actions">
                  {p.status === 'waiting' ? (
                    <button class="link" onClick={() => setAsking({ place: p, action: 'move-to-front' })}>
                      Move to front
                    </button>
                  ) : null}
                  <button class="link" onClick={() => setAsking({ place: p, action: 'remove' })}>
                    Remove
                  </button>
                  <button class="link" onClick={() => messages(p)}>
                    Messages
                  </button>
                </td>
              </tr>
              {history[p.id] ? (
                <tr>
                  <td colSpan={6}>
                    {history[p.id]!.length ? (
                      <ul class="history" aria-label={`Messages to ${mask(p.email, p.phone)}`}>
                        {history[p.id]!.map((m) => (
                          <li key={m.id}>
                            <button class="link" onClick={() => setReading(m)}>
                              {dateTime(m.createdAt)} · {m.channel === 'sms' ? 'SMS' : 'Email'} · {m.subject ?? m.template} · {m.status}
                            </button>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span class="muted">No messages.</span>
                    )}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {places === null && !error ? <p class="muted" aria-busy="true">Loading…</p> : places?.length === 0 ? <p class="muted empty">Nobody is waiting.</p> : null}
      {reading ? (
        <Modal label={`Message: ${reading.subject ?? reading.template}`} onClose={() => setReading(null)}>
          <div class="sheet">
            <Preview m={reading} />
            <button type="button" class="secondary" onClick={() => setReading(null)}>
              Close
            </button>
          </div>
        </Modal>
      ) : null}
      {asking ? <ReasonDialog {...asking} error={error} onSubmit={(reason) => act(asking.place, asking.action, reason)} onClose={() => (setAsking(null), setError(''))} /> : null}
    </section>
  );
}

/** Moving someone to the front or out of line is logged with a reason: asked in a real dialog, not prompt(). */
function ReasonDialog({ place, action, error, onSubmit, onClose }: { place: Place; action: 'remove' | 'move-to-front'; error: string; onSubmit: (reason: string) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const who = mask(place.email, place.phone);
  const title = action === 'remove' ? `Take ${who} out of line` : `Move ${who} to the front`;
  return (
    <Modal label={title} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(reason.trim());
        }}
      >
        <h3>{title}</h3>
        <label>
          Why? (kept in the log)
          <textarea rows={3} required maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} autoFocus />
        </label>
        <Alert message={error} />
        <div class="resolve">
          <button type="submit" disabled={!reason.trim()}>
            {action === 'remove' ? 'Remove from line' : 'Move to front'}
          </button>
          <button type="button" class="link" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
