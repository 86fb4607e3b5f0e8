import { useState } from 'preact/hooks';
import { api, session } from './api.ts';
import { dateTime } from './format.ts';
import { useApi } from './ui.tsx';

/** The tag to paste (with where it goes in a Shopify theme), the publishable key, and both keys to rotate. */
export function Keys() {
  const keys = useApi<{ publishableKey: string; widgetTag: string }>('/v1/admin/keys');
  const [fresh, setFresh] = useState('');
  const [copied, setCopied] = useState(false);
  const [graceHours, setGraceHours] = useState(24);
  const [retired, setRetired] = useState<{ key: string; until: string | null } | null>(null);
  const [error, setError] = useState('');
  const rotate = async () => {
    if (!confirm('Replace the secret key? The current one stops working at once, for every tool that uses it.')) return;
    const { secretKey } = await api<{ secretKey: string }>('/v1/admin/keys/rotate', { method: 'POST', body: { kind: 'secret' } });
    // Signed in with the old key, this tab carries on with the new one; signed in as a person, nothing changes.
    if (session.get()) session.set(secretKey);
    setFresh(secretKey);
  };
  const rotatePublishable = async () => {
    const old = keys.data!.publishableKey;
    const when = graceHours > 0 ? `keeps working for ${graceHours} hours` : 'stops working at once';
    if (!confirm(`Replace the publishable key? The current one ${when}; paste the new tag into your theme before then.`)) return;
    try {
      const next = await api<{ previousKeyExpiresAt: string | null }>('/v1/admin/keys/rotate', { method: 'POST', body: { kind: 'publishable', graceHours } });
      await keys.reload();
      setRetired({ key: old, until: next.previousKeyExpiresAt });
      setCopied(false);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (!keys.data) return keys.error ? <p class="error">{keys.error}</p> : null;
  return (
    <div class="card">
      <h3>Install and keys</h3>
      <p>Paste this into your theme, before &lt;/body&gt;:</p>
      <pre>{keys.data.widgetTag}</pre>
      <button type="button" onClick={() => navigator.clipboard?.writeText(keys.data!.widgetTag).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy the tag'}
      </button>
      <details>
        <summary>Shopify: where it goes</summary>
        <ol>
          <li>In Shopify admin, open Online Store → Themes, and on your live theme choose … → Edit code.</li>
          <li>Open layout/theme.liquid and paste the tag just above &lt;/body&gt;. Save.</li>
          <li>Open a sold-out product: the Sold out button becomes the waitlist form. No other change is needed for Dawn and most Online Store 2.0 themes.</li>
          <li>In Settings → Notifications → Webhooks, add inventory and order webhooks to {location.origin}/webhooks/shopify and enter the signing secret under the Shopify settings (API: PATCH /v1/admin/settings).</li>
        </ol>
      </details>
      <p>
        Publishable key (safe in the page): <code>{keys.data.publishableKey}</code>
      </p>
      <details>
        <summary>Rotate the publishable key</summary>
        <p>
          A new key for the widget tag. Widgets already in your theme keep working with the old key for the grace period, so nothing breaks while you paste the new tag; after it, the old key is refused.
        </p>
        <label>
          Grace period (hours, 0–168){' '}
          <input type="number" min={0} max={168} step={1} value={graceHours} onInput={(e) => setGraceHours(Number((e.target as HTMLInputElement).value))} />
        </label>{' '}
        <button type="button" onClick={rotatePublishable}>
          Rotate the publishable key
        </button>
        {retired ? (
          <p role="status">
            New tag above. The old key <code>{retired.key}</code> {retired.until ? `works until ${dateTime(retired.until)}` : 'has stopped'}.
          </p>
        ) : null}
        {error ? <p class="error" role="alert">{error}</p> : null}
      </details>
      <button type="button" onClick={rotate}>
        Rotate the secret key
      </button>
      {fresh ? (
        <p role="status">
          New secret key, shown once: <code>{fresh}</code>
        </p>
      ) : null}
    </div>
  );
}
