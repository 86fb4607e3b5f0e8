import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { dateTime } from './format.ts';
import { useApi } from './ui.tsx';

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
 * a sandboxed frame (no scripts), from `previewHtml`: the pixel and tracked
 * links would count the merchant's look as the shopper's open.
 */
export function Messages() {
  const [rows, setRows] = useState<MessageRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filter, setFilter] = useState({ to: '', template: '' });
  // What is typed, kept as it is typed: a re-render (the template list arriving) must not wipe a half-typed address.
  const [typed, setTyped] = useState('');
  const [open, setOpen] = useState<MessageRow | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const catalog = useApi<{ templates: Array<{ name: string }> }>('/v1/admin/templates');
  // The shipped templates, and any other the log holds (a text-only reply, a test send), so every row can be filtered to.
  const templates = [...new Set([...(catalog.data?.templates.map((t) => t.name) ?? []), ...rows.map((m) => m.template), ...(filter.template ? [filter.template] : [])])].sort();

  // Only the newest request may fill the list: a slow unfiltered first page must not land over a filtered one.
  const latest = useRef(0);
  const load = async (after: string | null) => {
    const q = new URLSearchParams({ limit: '50' });
    if (filter.to) q.set('to', filter.to);
    if (filter.template) q.set('template', filter.template);
    if (after) q.set('cursor', after);
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const page = await api<{ messages: MessageRow[]; nextCursor: string | null }>(`/v1/admin/messages?${q}`);
      if (ticket !== latest.current) return;
      setRows((prev) => (after ? [...prev, ...page.messages] : page.messages));
      setCursor(page.nextCursor);
      setError('');
    } catch (e) {
      if (ticket === latest.current) setError((e as Error).message);
    } finally {
      if (ticket === latest.current) setLoading(false);
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
          <input aria-label="Recipient" placeholder="Recipient" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} onChange={() => setFilter({ ...filter, to: typed.trim() })} />
          <select aria-label="Template" value={filter.template} onChange={(e) => setFilter({ ...filter, template: (e.target as HTMLSelectElement).value })}>
            <option value="">All templates</option>
            {templates.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
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
                <td>{dateTime(m.createdAt)}</td>
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

/** One message as it goes out: its envelope, the HTML part at its full height, the text and the headers. */
export function Preview({ m }: { m: MessageRow }) {
  const ref = useRef<HTMLElement>(null);
  // On a phone the preview sits under the list: bring the chosen message into view.
  useEffect(() => ref.current?.scrollIntoView({ block: 'nearest' }), [m.id]);
  return (
    <article ref={ref} class="preview" aria-label="Message preview" tabIndex={0}>
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
          {dateTime(m.sentAt)} / {dateTime(m.openedAt)} / {dateTime(m.clickedAt)}
        </dd>
      </dl>
      {m.previewHtml ? <EmailFrame html={m.previewHtml} /> : null}
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

/**
 * The HTML part as tall as the email, so none of it is cut off, and measured
 * again when the frame's width changes (a phone reflows it). Still no scripts:
 * `allow-same-origin` alone only lets this page read the frame's height.
 */
function EmailFrame({ html }: { html: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const fit = () => {
    const frame = ref.current;
    const root = frame?.contentDocument?.documentElement;
    if (!frame || !root) return;
    // At no height the frame's borders alone remain, and the document's scroll height is the email's own.
    frame.style.height = '0';
    const borders = frame.offsetHeight;
    frame.style.height = `${root.scrollHeight + borders}px`;
  };
  useEffect(() => {
    let width = 0;
    const resized = new ResizeObserver(([entry]) => {
      if (!entry || entry.contentRect.width === width) return;
      width = entry.contentRect.width;
      fit();
    });
    resized.observe(ref.current!);
    return () => resized.disconnect();
  }, []);
  return <iframe ref={ref} title="HTML part" sandbox="allow-same-origin" srcdoc={html} onLoad={fit} />;
}
