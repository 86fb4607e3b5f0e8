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
import { LinkSignIn, SignIn } from './SignIn.tsx';
import { People } from './People.tsx';
import { Audit } from './Audit.tsx';
import './style.css';

type Page = 'overview' | 'connect' | 'products' | 'restock' | 'backorders' | 'suppliers' | 'messages' | 'escalations' | 'settings' | 'people' | 'audit';
const PAGES: Record<Page, string> = {
  overview: 'Overview',
  connect: 'Connect',
  products: 'Products',
  restock: 'Restock',
  backorders: 'Backorders',
  suppliers: 'Suppliers',
  messages: 'Messages',
  escalations: 'Escalations',
  settings: 'Settings',
  people: 'People',
  audit: 'Audit log',
};
/** Pages for owners only, as the server's role table has it (services/people/roles.ts): the server refuses the rest anyway. */
const OWNER_PAGES: ReadonlySet<Page> = new Set(['connect', 'settings', 'people', 'audit']);

type Role = 'owner' | 'staff' | 'viewer';
interface Me {
  actor: { kind: 'member' | 'key'; email: string | null; role: Role };
  shop: { name: string };
  csrfToken: string | null;
}

/** The token of an emailed sign-in link (`/admin/link#t=…`), taken out of the address bar at once. */
function linkToken(): string | null {
  if (location.pathname !== '/admin/link') return null;
  const value = new URLSearchParams(location.hash.slice(1)).get('t');
  history.replaceState(null, '', '/admin');
  return value;
}
const pendingLink = linkToken();

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
  const [link, setLink] = useState(pendingLink);
  // A person's session is an HttpOnly cookie the page cannot see: the server says whether there is one.
  const [state, setState] = useState<'checking' | 'in' | 'out'>('checking');
  const [page, setPage] = useState<Page | SubPage>(pageFromPath);
  const [shop, setShop] = useState('');
  const [me, setMe] = useState<Me['actor'] | null>(null);
  useEffect(() => {
    const onHash = () => keyFromLink() && setState('checking');
    const onBack = () => setPage(pageFromPath());
    addEventListener('hashchange', onHash);
    addEventListener('popstate', onBack);
    return () => (removeEventListener('hashchange', onHash), removeEventListener('popstate', onBack));
  }, []);
  useEffect(() => {
    if (state !== 'checking' || link) return;
    api<Me>('/v1/admin/session')
      .then((found) => {
        session.setCsrf(found.csrfToken);
        setMe(found.actor);
        return Promise.all([
      api<{ settings: { sender: { name: string }; locale: string; timezone: string } }>('/v1/admin/settings'),
          api<{ variants: Array<{ currency: string | null }> }>('/v1/admin/variants?limit=1'),
        ]);
      })
      .then(([{ settings }, { variants }]) => {
        setShopFormat({ locale: settings.locale, timezone: settings.timezone, currency: variants[0]?.currency ?? undefined });
        setShop(settings.sender.name);
        setState('in');
      })
      .catch(() => {
        session.clear();
        setState('out');
      });
  }, [state, link]);
  const go = (p: Page) => {
    history.pushState(null, '', `/admin/${p}`);
    setPage(p);
  };
  if (link) return <LinkSignIn token={link} onSignedIn={() => (setLink(null), setState('checking'))} />;
  if (state === 'out') return <SignIn onSignedIn={() => setState('checking')} />;
  if (state === 'checking' || !me) return <p class="muted">Checking…</p>;
  const allowed = (p: Page) => me.role === 'owner' || !OWNER_PAGES.has(p);
  const shown = (page in SUB_PAGES ? SUB_PAGES[page as SubPage] : page) as Page;
  return (
    <>
      <header>
        <strong>Waitline</strong> <span class="muted">{shop}</span>
        <nav>
          {(Object.keys(PAGES) as Page[]).filter(allowed).map((p) => (
            <a key={p} href={`/admin/${p}`} aria-current={page === p || SUB_PAGES[page as SubPage] === p ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go(p))}>
              {PAGES[p]}
            </a>
          ))}
        </nav>
        {me.email ? (
          <span class="muted who">
            {me.email} · {me.role}
          </span>
        ) : null}
        <button
          class="link"
          onClick={() => {
            // A person's cookie is ended by the server; a key only lived in this tab.
            const out = session.get() ? Promise.resolve() : api('/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
            void out.then(() => {
              session.clear();
              setMe(null);
              setState('out');
            });
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {me.role === 'viewer' ? <p class="notice">You are a viewer: you can look at everything, and change nothing.</p> : null}
        {!allowed(shown) ? (
          <p class="notice">This page is for the shop's owners.</p>
        ) : page === 'people' ? (
          <People me={me.email} />
        ) : page === 'audit' ? (
          <Audit />
        ) : page === 'connect' ? (
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
