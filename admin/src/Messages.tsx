import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { dateTime as time } from './format.ts';

export interface MessageRow {
  id: number;
  template: string;
  channel: 'email' | 'sms';
  to: string;
  from: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  /** The HTML without its open pixel and with links untracked: viewing here is not an open or a click. */
  previewHtml: string | null;
  headers: Record<string, string>;
  status: string;
  transport: string | null;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
}


/**
 * The message log, newest first, and each message exactly as it goes out: with
 * the outbox transport this is the local mail catcher. The HTML part renders in
 * a sandboxed frame (no scripts, no same-origin), from `previewHtml`: the
 * pixel and tracked links would count the merchant's look as the shopper's open.
 */
export function Messages() {
  const [rows, setRows] = useState<MessageRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filter, setFilter] = useState({ to: '', template: '' });
  const [open, setOpen] = useState<MessageRow | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);

  const load = async (after: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    if (filter.to) q.set('to', filter.to);
    if (filter.template) q.set('template', filter.template);
    if (after) q.set('cursor', after);
    setLoading(true);
    try {
      const page = await api<{ messages: MessageRow[]; nextCursor: string | null }>(`/v1/admin/messages?${q}`);
      setRows((prev) => (after ? [...prev, ...page.messages] : page.messages));
      setCursor(page.nextCursor);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(null);
  }, [filter.to, filter.template]);

  return (
    <section class="split">
      <div class="list">
        <h2>Messages</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <input aria-label="Recipient" placeholder="Recipient" value={filter.to} onChange={(e) => setFilter({ ...filter, to: (e.target as HTMLInputElement).value })} />
          <input aria-label="Template" placeholder="Template" value={filter.template} onChange={(e) => setFilter({ ...filter, template: (e.target as HTMLInputElement).value })} />
        </form>
        {error ? (
          <p class="error" role="alert">
            {error}{' '}
            <button type="button" class="link" onClick={() => load(null)}>
              Try again
            </button>
          </p>
        ) : null}
        <table>
          <thead>
            <tr>
              <th>To</th>
              <th>Message</th>
              <th>Status</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.id} class={open?.id === m.id ? 'selected' : ''} onClick={() => setOpen(m)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && setOpen(m)}>
                <td>{m.to}</td>
                <td>
                  <span class="tag">{m.channel}</span> {m.subject ?? m.text?.slice(0, 60) ?? m.template}
                </td>
                <td>{m.status}</td>
                <td>{time(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !error ? <p class="muted empty">{loading ? 'Loading…' : filter.to || filter.template ? 'No messages match.' : 'No messages yet. Confirmations appear here as soon as someone joins a list.'}</p> : null}
        {cursor ? (
          <button type="button" onClick={() => load(cursor)}>
            Load more
          </button>
        ) : null}
      </div>
      {open ? <Preview m={open} /> : null}
    </section>
  );
}

function Preview({ m }: { m: MessageRow }) {
  return (
    <article class="preview" aria-label="Message preview">
      <h3>{m.subject ?? `SMS to ${m.to}`}</h3>
      <dl>
        <dt>From</dt>
        <dd>{m.from ?? '—'}</dd>
        <dt>To</dt>
        <dd>{m.to}</dd>
        <dt>Template</dt>
        <dd>{m.template}</dd>
        <dt>Status</dt>
        <dd>
          {m.status}
          {m.transport ? ` via ${m.transport}` : ''}
          {m.error ? ` (${m.error})` : ''}
        </dd>
        <dt>Sent / opened / clicked</dt>
        <dd>
          {time(m.sentAt)} / {time(m.openedAt)} / {time(m.clickedAt)}
        </dd>
      </dl>
      {m.previewHtml ? <iframe title="HTML part" sandbox="" srcdoc={m.previewHtml} /> : null}
      <h4>Text</h4>
      <pre>{m.text}</pre>
      {Object.keys(m.headers).length ? (
        <>
          <h4>Headers</h4>
          <pre>{Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
        </>
      ) : null}
    </article>
  );
}
