import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.ts';

interface Rules {
  holdDuration: string;
  followUpAfter: string;
  ranOutNotice: boolean;
  minimumRestock: number;
  allowedOrigins: string[];
}

/** The rules merchants tune most, and the keys: the widget tag to paste, and a secret to rotate. */
export function Settings() {
  const [rules, setRules] = useState<Rules | null>(null);
  const [origins, setOrigins] = useState('');
  const [keys, setKeys] = useState<{ publishableKey: string; widgetTag: string } | null>(null);
  const [fresh, setFresh] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api<{ settings: Rules }>('/v1/admin/settings').then(({ settings }) => {
      setRules(settings);
      setOrigins(settings.allowedOrigins.join('\n'));
    });
    api<{ publishableKey: string; widgetTag: string }>('/v1/admin/keys').then(setKeys);
  }, []);
  if (!rules) return <p class="muted">Loading…</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const body = { ...rules, allowedOrigins: origins.split(/\s+/).filter(Boolean) };
      const { settings } = await api<{ settings: Rules }>('/v1/admin/settings', { method: 'PATCH', body });
      setRules(settings);
      setOrigins(settings.allowedOrigins.join('\n'));
      setStatus({ ok: true, text: 'Saved.' });
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    }
  };
  const rotate = async () => {
    if (!confirm('Replace the secret key? The current one stops working at once, for every tool that uses it.')) return;
    const { secretKey } = await api<{ secretKey: string }>('/v1/admin/keys/rotate', { method: 'POST' });
    session.set(secretKey);
    setFresh(secretKey);
  };
  const field = (key: keyof Rules) => (e: Event) => {
    const el = e.target as HTMLInputElement;
    setRules({ ...rules, [key]: el.type === 'checkbox' ? el.checked : el.type === 'number' ? Number(el.value) : el.value });
  };
  return (
    <section class="settings">
      <h2>Settings</h2>
      <form onSubmit={save} class="card">
        <h3>Holds and notices</h3>
        <label>
          Hold duration (ISO 8601, e.g. PT24H) <input value={rules.holdDuration} onInput={field('holdDuration')} />
        </label>
        <label>
          Follow-up after (e.g. PT6H) <input value={rules.followUpAfter} onInput={field('followUpAfter')} />
        </label>
        <label>
          Minimum restock to notify anyone <input type="number" min={1} value={rules.minimumRestock} onInput={field('minimumRestock')} />
        </label>
        <label class="check">
          <input type="checkbox" checked={rules.ranOutNotice} onChange={field('ranOutNotice')} /> Tell the people still waiting "not this time, you're #k"
        </label>
        <label>
          Storefront origins allowed to use the widget (one per line)
          <textarea rows={3} value={origins} onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit">Save</button>
        {status ? (
          <p class={status.ok ? 'muted' : 'error'} role="status">
            {status.text}
          </p>
        ) : null}
      </form>
      {keys ? (
        <div class="card">
          <h3>Keys</h3>
          <p>Paste this into your theme, before &lt;/body&gt;:</p>
          <pre>{keys.widgetTag}</pre>
          <p>
            Publishable key: <code>{keys.publishableKey}</code>
          </p>
          <button type="button" onClick={rotate}>
            Rotate the secret key
          </button>
          {fresh ? (
            <p role="status">
              New secret key, shown once: <code>{fresh}</code>
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
