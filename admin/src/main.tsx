import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.ts';
import { Backorders } from './Backorders.tsx';
import { Connect } from './Connect.tsx';
import { CopyEditor } from './CopyEditor.tsx';
import { Escalations } from './Escalations.tsx';
import { Messages } from './Messages.tsx';
import { Overview } from './Overview.tsx';
import { Products } from './Products.tsx';
import { Restock } from './Restock.tsx';
import { Suppliers } from './Suppliers.tsx';
import { setShopFormat } from './format.ts';
import { Settings } from './Settings.tsx';
import { SignIn } from './SignIn.tsx';
import './style.css';

type Page = 'overview' | 'connect' | 'products' | 'restock' | 'backorders' | 'suppliers' | 'messages' | 'escalations' | 'settings';
const PAGES: Record<Page, string> = { overview: 'Overview', connect: 'Connect', products: 'Products', restock: 'Restock', backorders: 'Backorders', suppliers: 'Suppliers', messages: 'Messages', escalations: 'Escalations', settings: 'Settings' };

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

/** Pages reached from another page rather than the nav: the copy editor opens from Settings. */
type SubPage = 'copy';
const SUB_PAGES: Record<SubPage, Page> = { copy: 'settings' };

function pageFromPath(): Page | SubPage {
  const named = location.pathname.split('/')[2] as Page | SubPage;
  return named in PAGES || named in SUB_PAGES ? named : 'overview';
}

function App() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>(session.get() ? 'checking' : 'out');
  const [page, setPage] = useState<Page | SubPage>(pageFromPath);
  const [shop, setShop] = useState('');
  useEffect(() => {
    const onHash = () => keyFromLink() && setState('checking');
    const onBack = () => setPage(pageFromPath());
    addEventListener('hashchange', onHash);
    addEventListener('popstate', onBack);
    return () => (removeEventListener('hashchange', onHash), removeEventListener('popstate', onBack));
  }, []);
  useEffect(() => {
    if (state !== 'checking') return;
    Promise.all([
      api<{ settings: { sender: { name: string }; locale: string; timezone: string } }>('/v1/admin/settings'),
      api<{ variants: Array<{ currency: string | null }> }>('/v1/admin/variants?limit=1'),
    ])
      .then(([{ settings }, { variants }]) => {
        setShopFormat({ locale: settings.locale, timezone: settings.timezone, currency: variants[0]?.currency ?? undefined });
        setShop(settings.sender.name);
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
          {(Object.keys(PAGES) as Page[]).map((p) => (
            <a key={p} href={`/admin/${p}`} aria-current={page === p || SUB_PAGES[page as SubPage] === p ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go(p))}>
              {PAGES[p]}
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
      <main>
        {page === 'connect' ? (
          <Connect />
        ) : page === 'restock' ? (
          <Restock />
        ) : page === 'backorders' ? (
          <Backorders />
        ) : page === 'suppliers' ? (
          <Suppliers />
        ) : page === 'escalations' ? (
          <Escalations />
        ) : page === 'messages' ? (
          <Messages />
        ) : page === 'products' ? (
          <Products />
        ) : page === 'settings' ? (
          <Settings />
        ) : page === 'copy' ? (
          <CopyEditor />
        ) : (
          <Overview />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
