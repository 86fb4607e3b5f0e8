import { useState } from 'preact/hooks';
import { Alert } from './ui.tsx';
import { api, ApiError, session } from './api.ts';

/** The shop's secret key, checked against the API before anything is shown; or, on a new install, the first shop made with the root token. */
export function SignIn({ onSignedIn, error: initial }: { onSignedIn: () => void; error?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(initial ?? '');
  const signIn = async (secret: string) => {
    session.set(secret.trim());
    try {
      await api('/v1/admin/settings');
      onSignedIn();
    } catch (err) {
      session.clear();
      setError(err instanceof ApiError && err.status === 401 ? 'That secret key was not accepted.' : 'The server could not be reached.');
    }
  };
  return (
    <main class="signin">
      <h1>Waitline</h1>
      <form onSubmit={(e) => (e.preventDefault(), void signIn(key))}>
        <label for="key">Shop secret key</label>
        <input id="key" type="password" autoComplete="off" placeholder="sk_…" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required />
        <button type="submit">Sign in</button>
        <Alert message={error} />
      </form>
      <CreateShop onCreated={signIn} />
    </main>
  );
}

interface Created {
  shop: { name: string };
  publishableKey: string;
  secretKey: string;
}

/**
 * A new install has no shop: the operator makes one with the root token
 * (WAITLINE_ADMIN_TOKEN), as `POST /v1/shops` does. The secret key is shown
 * once, here, to be kept; the root token is sent once and never stored.
 */
function CreateShop({ onCreated }: { onCreated: (secretKey: string) => void }) {
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const res = await fetch('/v1/shops', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` }, body: JSON.stringify({ name: name.trim() }) });
      const body = (await res.json().catch(() => null)) as (Created & { error?: { message: string } }) | null;
      if (res.status === 401 || res.status === 403) return setError('That root token was not accepted.');
      if (!res.ok || !body?.secretKey) return setError(body?.error?.message ?? `The shop could not be created (${res.status}).`);
      setToken('');
      setCreated(body);
    } catch {
      setError('The server could not be reached.');
    }
  };
  if (created) {
    return (
      <section class="card created" aria-label="Shop created">
        <h2>{created.shop.name} is ready</h2>
        <p>Keep the secret key somewhere safe: it is shown only this once, and it signs in to this dashboard and the admin API.</p>
        <dl>
          <dt>Secret key</dt>
          <dd>
            <code>{created.secretKey}</code>
          </dd>
          <dt>Publishable key (for the widget tag)</dt>
          <dd>
            <code>{created.publishableKey}</code>
          </dd>
        </dl>
        <button type="button" onClick={() => onCreated(created.secretKey)}>
          I have kept it: open the dashboard
        </button>
      </section>
    );
  }
  return (
    <details class="create-shop">
      <summary>New install? Create a shop with the root token</summary>
      <form onSubmit={create}>
        <label for="shop-name">Shop name</label>
        <input id="shop-name" value={name} maxLength={100} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="root-token">Root token (WAITLINE_ADMIN_TOKEN)</label>
        <input id="root-token" type="password" autoComplete="off" value={token} required onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <button type="submit">Create the shop</button>
        <Alert message={error} />
      </form>
    </details>
  );
}
