import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.ts';
import { Escalations } from './Escalations.tsx';
import { Messages } from './Messages.tsx';
import { SignIn } from './SignIn.tsx';
import './style.css';

type Page = 'messages' | 'escalations';

/**
 * The one-click sign-in link carries the key in the fragment (never sent to a
 * server); it is kept for this tab only and taken out of the address bar.
 */
function keyFromLink(): boolean {
  const key = new URLSearchParams(location.hash.slice(1)).get('key');
  if (!key) return false;
  session.set(key);
  history.replaceState(null, '', location.pathname);
  return true;
}
keyFromLink();

function App() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>(session.get() ? 'checking' : 'out');
  const [page, setPage] = useState<Page>((location.pathname.split('/')[2] as Page) || 'messages');
  const [shop, setShop] = useState('');
  useEffect(() => {
    const onHash = () => keyFromLink() && setState('checking');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (state !== 'checking') return;
    api<{ settings: { sender: { name: string } } }>('/v1/admin/settings')
      .then((s) => {
        setShop(s.settings.sender.name);
        setState('in');
      })
      .catch(() => {
        session.clear();
        setState('out');
      });
  }, [state]);
  const go = (p: Page) => {
    history.pushState(null, '', `/admin/${p}`);
    setPage(p);
  };
  if (state === 'out') return <SignIn onSignedIn={() => setState('checking')} />;
  if (state === 'checking') return <p class="muted">Checking…</p>;
  return (
    <>
      <header>
        <strong>Waitline</strong> <span class="muted">{shop}</span>
        <nav>
          {(['messages', 'escalations'] as const).map((p) => (
            <a key={p} href={`/admin/${p}`} aria-current={page === p ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go(p))}>
              {p === 'messages' ? 'Messages' : 'Escalations'}
            </a>
          ))}
        </nav>
        <button
          class="link"
          onClick={() => {
            session.clear();
            setState('out');
          }}
        >
          Sign out
        </button>
      </header>
      <main>{page === 'escalations' ? <Escalations /> : <Messages />}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
