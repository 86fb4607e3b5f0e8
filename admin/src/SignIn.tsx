import { useState } from 'preact/hooks';
import { Alert } from './ui.tsx';
import { api, ApiError, session } from './api.ts';

/**
 * Three ways in: a team member asks for a sign-in link by email; the shop's
 * secret key, checked against the API before anything is shown; or, on a new
 * install, the first shop made with the root token.
 */
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
      <EmailLink />
      <CreateShop onCreated={signIn} />
    </main>
  );
}

/** A team member's way in: the link goes to the address only, and the page says the same whether or not it is on a team. */
function EmailLink() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const [error, setError] = useState('');
  const ask = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const { sent: said } = await api<{ sent: string }>('/v1/auth/link', { method: 'POST', body: { email: email.trim() } });
      setSent(said);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
    }
  };
  return (
    <form class="email-link" onSubmit={ask} aria-label="Sign in by email">
      <label for="team-email">On a shop's team? Your email</label>
      <input id="team-email" type="email" autoComplete="email" value={email} required onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
      <button type="submit">Email me a sign-in link</button>
      {sent ? <p role="status">{sent}</p> : null}
      <Alert message={error} />
    </form>
  );
}

/**
 * Where an emailed link lands (`/admin/link#t=…`). Opening it changes
 * nothing: mail scanners open links. The button spends the link and the
 * server sets the session cookie; the token leaves the address bar at once.
 */
export function LinkSignIn({ token, onSignedIn }: { token: string; onSignedIn: () => void }) {
  const [error, setError] = useState('');
  const spend = async () => {
    setError('');
    try {
      const { csrfToken } = await api<{ csrfToken: string }>('/v1/auth/session', { method: 'POST', body: { token } });
      session.clear();
      session.setCsrf(csrfToken);
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server could not be reached.');
    }
  };
  return (
    <main class="signin">
      <h1>Waitline</h1>
      <p>You are one step from your team's dashboard.</p>
      <button type="button" onClick={() => void spend()}>
        Sign in
      </button>
      <Alert message={error} />
      {error ? (
        <p>
          <a href="/admin">Ask for a new link</a>
        </p>
      ) : null}
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
