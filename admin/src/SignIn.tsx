import { useState } from 'preact/hooks';
import { Alert } from './ui.tsx';
import { api, ApiError, session } from './api.ts';

/** The shop's secret key, checked against the API before anything is shown. */
export function SignIn({ onSignedIn, error: initial }: { onSignedIn: () => void; error?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(initial ?? '');
  const submit = async (e: Event) => {
    e.preventDefault();
    session.set(key.trim());
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
      <form onSubmit={submit}>
        <label for="key">Shop secret key</label>
        <input id="key" type="password" autoComplete="off" placeholder="sk_…" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required />
        <button type="submit">Sign in</button>
        <Alert message={error} />
      </form>
    </main>
  );
}
