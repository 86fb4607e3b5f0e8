import { useState } from 'preact/hooks';
import { api } from './api.ts';
import { dateTime } from './format.ts';
import { HELPDESKS, type HelpdeskKind } from './Helpdesk.tsx';
import { Alert, States, useApi } from './ui.tsx';

type Intent = 'chargeback' | 'cancel' | 'refund' | 'call' | 'stop' | 'angry' | 'question' | 'thanks' | 'other';

interface Reply {
  id: number;
  channel: 'email' | 'sms';
  from: string;
  text: string;
  intent: Intent;
  receivedAt: string;
}

interface Ticket {
  helpdesk: HelpdeskKind;
  url: string | null;
  status: 'open' | 'closed';
  /** Null until the helpdesk accepted the ticket; `lastError` says why not yet. */
  externalId: string | null;
  lastError: string | null;
}

interface Escalation {
  id: number;
  kind: string;
  status: 'open' | 'resolved';
  orderId: string | null;
  /** The backorder line a partial shipment sets aside; null for other kinds. */
  backorderId: number | null;
  contact: { email: string | null; phone: string | null; ordersCount: number } | null;
  summary: string;
  recommendedAction: string;
  order: { id: string; name: string; total: number; currency: string } | null;
  messages: Array<{ id: number; template: string; channel: string; subject: string | null; status: string; createdAt: string }>;
  replies: Reply[];
  ticket: Ticket | null;
  resolution: string | null;
  createdAt: string;
}

const KINDS: Record<string, string> = {
  order_value: 'Large order',
  eta_long: 'Long wait',
  negative_reply: 'Unhappy reply',
  partial_shipment: 'Partial shipment',
  call_request: 'Asked for a call',
  vip_day14: 'VIP at two weeks',
  refund: 'Refund to make',
  cancel_request: 'Asks to cancel',
  sms_budget: 'SMS budget reached',
  uncounted_stock: 'Back in stock, uncounted',
  switch_request: 'Asks to switch item',
  chargeback: 'Threatens a chargeback',
  question: 'Asks a question',
  unmatched_reply: 'Reply from an unknown sender',
};

const INTENTS: Record<Intent, string> = {
  chargeback: 'chargeback',
  cancel: 'cancel',
  refund: 'refund',
  call: 'call request',
  stop: 'stop',
  angry: 'angry',
  question: 'question',
  thanks: 'thanks',
  other: 'other',
};

/** What the customer wrote, oldest first, each with how it read. */
function Replies({ replies }: { replies: Reply[] }) {
  return (
    <ul class="replies" aria-label="Replies">
      {replies.map((r) => (
        <li key={r.id}>
          <span class="muted">
            {r.channel === 'sms' ? 'SMS' : 'Email'} from {r.from} · {dateTime(r.receivedAt)}
          </span>{' '}
          <span class="tag">{INTENTS[r.intent] ?? r.intent}</span>
          <blockquote>{r.text}</blockquote>
        </li>
      ))}
    </ul>
  );
}

/** The case's ticket in the shop's helpdesk, or why it is not there yet (the job keeps retrying). */
function TicketLine({ ticket }: { ticket: Ticket }) {
  const name = HELPDESKS[ticket.helpdesk]?.name ?? ticket.helpdesk;
  if (ticket.externalId === null) return <p class="muted">Not in {name} yet{ticket.lastError ? `: ${ticket.lastError}` : '.'}</p>;
  return (
    <p>
      {ticket.url ? (
        <a href={ticket.url} target="_blank" rel="noopener">
          Ticket in {name}
        </a>
      ) : (
        `Ticket ${ticket.externalId} in ${name}`
      )}{' '}
      · {ticket.status}
    </p>
  );
}

/** The human queue: each case with its context, the recommended action, and a way to close it. */
export function Escalations() {
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const list = useApi<{ escalations: Escalation[] }>(`/v1/admin/escalations?status=${status}`);
  const rows = list.data?.escalations ?? [];
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [error, setError] = useState('');
  const resolve = async (id: number) => {
    try {
      await api(`/v1/admin/escalations/${id}/resolve`, { method: 'POST', body: notes[id] ? { resolution: notes[id] } : {} });
      setError('');
      await list.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  /** Tells the customer their set-aside units ship now; the server resolves the case with the note (409 when the line moved on). */
  const confirmPartial = async (id: number, backorderId: number) => {
    try {
      await api(`/v1/admin/backorders/${backorderId}/confirm-partial`, { method: 'POST', body: notes[id] ? { note: notes[id] } : {} });
      setError('');
      await list.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section>
      <h2>Escalations</h2>
      <div role="tablist">
        {(['open', 'resolved'] as const).map((s) => (
          <button key={s} role="tab" aria-selected={status === s} class={status === s ? 'active' : ''} onClick={() => setStatus(s)}>
            {s === 'open' ? 'Open' : 'Resolved'}
          </button>
        ))}
      </div>
      <Alert message={error} />
      <States state={list} isEmpty={rows.length === 0} empty={status === 'open' ? 'Nothing needs a person right now.' : 'Nothing resolved yet.'}>
      {rows.map((e) => (
        <article class="card" key={e.id}>
          <h3>
            {KINDS[e.kind] ?? e.kind}
            {e.orderId ? ` · order ${e.order?.name ?? e.orderId}` : ''}
          </h3>
          <p>{e.summary}</p>
          <p>
            <strong>Recommended:</strong> {e.recommendedAction}
          </p>
          {e.replies.length ? <Replies replies={e.replies} /> : null}
          {e.ticket ? <TicketLine ticket={e.ticket} /> : null}
          {e.contact ? (
            <p class="muted">
              {[e.contact.email, e.contact.phone].filter(Boolean).join(' · ')} · {e.contact.ordersCount} orders
            </p>
          ) : null}
          {e.messages.length ? (
            <details>
              <summary>Messages ({e.messages.length})</summary>
              <ul>
                {e.messages.map((m) => (
                  <li key={m.id}>
                    {dateTime(m.createdAt)} · {m.channel} · {m.subject ?? m.template} · {m.status}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {e.status === 'open' ? (
            <div class="resolve">
              <input aria-label="Resolution note" placeholder="What was done (optional)" value={notes[e.id] ?? ''} onInput={(ev) => setNotes({ ...notes, [e.id]: (ev.target as HTMLInputElement).value })} />
              {e.kind === 'partial_shipment' && e.backorderId !== null ? (
                <button onClick={() => confirmPartial(e.id, e.backorderId!)}>Confirm partial shipment</button>
              ) : null}
              <button class={e.kind === 'partial_shipment' ? 'secondary' : undefined} onClick={() => resolve(e.id)}>
                Resolve
              </button>
            </div>
          ) : (
            <p class="muted">Resolved{e.resolution ? `: ${e.resolution}` : ''}</p>
          )}
        </article>
      ))}
      </States>
    </section>
  );
}
