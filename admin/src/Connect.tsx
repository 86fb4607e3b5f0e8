import { useEffect, useState } from 'preact/hooks';
import { api, events } from './api.ts';
import { Alert, useApi } from './ui.tsx';

interface Catalog {
  status: 'queued' | 'running' | 'done' | 'failed';
  products: number;
  variants: number;
  variantsTotal: number | null;
}
interface Connection {
  platform: string;
  account: string;
  method: 'client_credentials' | 'oauth' | 'token';
  scopes: string[];
  catalog: Catalog;
  webhooks: Array<{ topic: string; registeredAt: string; lastArrivedAt: string | null }>;
  origins: Array<{ origin: string; allowed: boolean }>;
  reservations: { units: number; variants: number; problems: Array<{ variantId: string; error: string; at: string }> } | null;
  error: string | null;
}
interface Connections {
  connections: Connection[];
  widget: { seen: Array<{ origin: string; allowed: boolean; lastSeenAt: string }> };
}

/** "2 minutes ago": how long since `at`, in the largest whole unit. */
export function ago(at: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  const [n, unit] = s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 86_400 ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86_400), 'day'];
  return n === 0 ? 'just now' : `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** A checklist line: done or not, what it says, and what to do when it is not. */
function Check({ ok, label, children }: { ok: boolean; label: string; children?: preact.ComponentChildren }) {
  return (
    <li class={ok ? 'check done' : 'check'}>
      <span aria-hidden="true">{ok ? '✓' : '○'}</span> <strong>{label}</strong>
      <span class="sr-only">{ok ? ' (done)' : ' (not yet)'}</span>
      {children ? <div class="muted">{children}</div> : null}
    </li>
  );
}

/** The form: a Dev Dashboard app's client id and secret, or an admin-created app's token and API secret. */
function ConnectShopify({ onConnected }: { onConnected: () => void }) {
  const [method, setMethod] = useState<'client' | 'oauth' | 'token'>('client');
  const [fields, setFields] = useState({ shop: '', clientId: '', clientSecret: '', accessToken: '', apiSecret: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const set = (name: keyof typeof fields) => (e: Event) => setFields({ ...fields, [name]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const { shop, clientId, clientSecret, accessToken, apiSecret } = fields;
    try {
      if (method === 'oauth') {
        // The ticket is the only thing the browser carries to Shopify and back.
        const { installUrl } = await api<{ installUrl: string }>('/v1/admin/connections/shopify/ticket', { method: 'POST', body: { shop, clientId, clientSecret } });
        location.assign(installUrl);
        return;
      }
      await api('/v1/admin/connections/shopify', { method: 'PUT', body: method === 'client' ? { shop, clientId, clientSecret } : { shop, accessToken, apiSecret } });
      onConnected();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-busy={busy}>
      <h3>Connect Shopify</h3>
      <label>
        Store domain <input name="shop" required placeholder="your-store.myshopify.com" value={fields.shop} onInput={set('shop')} />
      </label>
      <fieldset>
        <legend>Your app</legend>
        <label>
          <input type="radio" name="method" checked={method === 'client'} onChange={() => setMethod('client')} /> Made in the Dev Dashboard (client ID and secret)
        </label>
        <label>
          <input type="radio" name="method" checked={method === 'oauth'} onChange={() => setMethod('oauth')} /> Made in the Dev Dashboard, installed with the store owner's approval (OAuth)
        </label>
        <label>
          <input type="radio" name="method" checked={method === 'token'} onChange={() => setMethod('token')} /> Made in the store admin before 2026 (access token)
        </label>
      </fieldset>
      {method !== 'token' ? (
        <>
          <label>
            Client ID <input name="clientId" required autocomplete="off" value={fields.clientId} onInput={set('clientId')} />
          </label>
          <label>
            Client secret <input name="clientSecret" type="password" required autocomplete="off" value={fields.clientSecret} onInput={set('clientSecret')} />
          </label>
        </>
      ) : (
        <>
          <label>
            Admin API access token <input name="accessToken" type="password" required autocomplete="off" value={fields.accessToken} onInput={set('accessToken')} />
          </label>
          <label>
            API secret key <input name="apiSecret" type="password" required autocomplete="off" value={fields.apiSecret} onInput={set('apiSecret')} />
          </label>
        </>
      )}
      <Alert message={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Checking with Shopify…' : method === 'oauth' ? 'Continue to Shopify' : 'Connect'}
      </button>
    </form>
  );
}

/** A form whose fields go as they are to PUT /v1/admin/connections/{platform}. */
function ConnectWith({ platform, name, fields: spec, help, onConnected }: { platform: string; name: string; fields: Array<{ name: string; label: string; placeholder?: string; secret?: boolean }>; help: preact.ComponentChildren; onConnected: () => void }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api(`/v1/admin/connections/${platform}`, { method: 'PUT', body: fields });
      onConnected();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-busy={busy}>
      <h3>Connect {name}</h3>
      <p class="muted">{help}</p>
      {spec.map((f) => (
        <label key={f.name}>
          {f.label}{' '}
          <input
            name={f.name}
            required
            autocomplete="off"
            type={f.secret ? 'password' : 'text'}
            placeholder={f.placeholder}
            value={fields[f.name] ?? ''}
            onInput={(e) => setFields({ ...fields, [f.name]: (e.target as HTMLInputElement).value })}
          />
        </label>
      ))}
      <Alert message={error} />
      <button type="submit" disabled={busy}>
        {busy ? `Checking with ${name}…` : 'Connect'}
      </button>
    </form>
  );
}

const PLATFORMS = { shopify: 'Shopify', woocommerce: 'WooCommerce', bigcommerce: 'BigCommerce' } as const;
type PlatformKey = keyof typeof PLATFORMS;

/** Which store to connect, and its form. */
function ConnectStore({ onConnected }: { onConnected: () => void }) {
  const [platform, setPlatform] = useState<PlatformKey>('shopify');
  return (
    <>
      <fieldset class="card">
        <legend>Your store runs on</legend>
        {(Object.keys(PLATFORMS) as PlatformKey[]).map((p) => (
          <label key={p}>
            <input type="radio" name="platform" checked={platform === p} onChange={() => setPlatform(p)} /> {PLATFORMS[p]}
          </label>
        ))}
      </fieldset>
      {platform === 'shopify' ? <ConnectShopify onConnected={onConnected} /> : null}
      {platform === 'woocommerce' ? (
        <ConnectWith
          platform="woocommerce"
          name="WooCommerce"
          help="In WordPress: WooCommerce → Settings → Advanced → REST API → Add key, with Read/Write permission. Paste the store's address and the key here."
          fields={[
            { name: 'storeUrl', label: 'Store address', placeholder: 'https://shop.example.com' },
            { name: 'consumerKey', label: 'Consumer key', placeholder: 'ck_…' },
            { name: 'consumerSecret', label: 'Consumer secret', placeholder: 'cs_…', secret: true },
          ]}
          onConnected={onConnected}
        />
      ) : null}
      {platform === 'bigcommerce' ? (
        <ConnectWith
          platform="bigcommerce"
          name="BigCommerce"
          help="In the control panel: Settings → Store-level API accounts → Create API account, with Products, Orders and Store Inventory set to modify, and Information & Settings to read-only. The store hash is the part after /stores/ in its API path."
          fields={[
            { name: 'storeHash', label: 'Store hash', placeholder: 'abc123def' },
            { name: 'accessToken', label: 'Access token', secret: true },
          ]}
          onConnected={onConnected}
        />
      ) : null}
    </>
  );
}

/** The import's progress, live from the server's event stream while it runs. */
function CatalogProgress({ platform, catalog, onDone }: { platform: string; catalog: Catalog; onDone: () => void }) {
  const [live, setLive] = useState(catalog);
  useEffect(() => {
    setLive(catalog);
    if (catalog.status === 'done' || catalog.status === 'failed') return;
    const stop = new AbortController();
    void events(
      `/v1/admin/connections/${platform}/progress`,
      (_event, data) => {
        const next = (data as { catalog: Catalog | null }).catalog;
        if (!next) return;
        setLive(next);
        if (next.status === 'done' || next.status === 'failed') onDone();
      },
      stop.signal,
    ).catch(() => undefined);
    return () => stop.abort();
  }, [platform, catalog.status]);
  const total = live.variantsTotal ?? undefined;
  return (
    <>
      {live.products} products, {live.variants} variants{total !== undefined ? ` of ${total}` : ''}
      {live.status === 'done' ? null : <progress aria-label="Catalog import" max={total} value={total !== undefined ? Math.min(live.variants, total) : undefined} />}
    </>
  );
}

/** Where the widget was last seen, or why it may not have been. */
function WidgetSeen({ seen, origins }: { seen: Connections['widget']['seen']; origins: Connection['origins'] }) {
  const allowed = seen.find((s) => s.allowed);
  const refused = seen.find((s) => !s.allowed);
  if (allowed)
    return (
      <Check ok label="Widget seen on the storefront">
        Widget seen on {allowed.origin} {ago(allowed.lastSeenAt)}
      </Check>
    );
  return (
    <Check ok={false} label="Widget seen on the storefront">
      {refused
        ? `Not seen yet: the widget was called from ${refused.origin} ${ago(refused.lastSeenAt)}, which is not an allowed origin. Add it in Settings.`
        : `Not seen yet. Paste the widget tag into your theme (Settings → Install and keys), then open a product page on ${origins[0]?.origin ?? 'your store'}.`}
    </Check>
  );
}

/** The Connect page: connect a store, then watch each step of the checklist come true. */
export function Connect() {
  const state = useApi<Connections>('/v1/admin/connections');
  // An OAuth install that failed after Shopify's redirect comes back with the reason in the fragment.
  const [error, setError] = useState(() => new URLSearchParams(location.hash.slice(1)).get('error') ?? '');
  const act = async (path: string, method: string, question?: string) => {
    if (question && !confirm(question)) return;
    try {
      await api(path, { method });
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
    await state.reload();
  };
  if (!state.data) return state.error ? <Alert message={state.error} /> : <p class="muted">Loading…</p>;
  const store = state.data.connections[0];
  if (!store)
    return (
      <>
        <Alert message={error} />
        <ConnectStore onConnected={() => void state.reload()} />
      </>
    );
  const name = PLATFORMS[store.platform as PlatformKey] ?? store.platform;
  const heard = store.webhooks.filter((w) => w.lastArrivedAt);
  return (
    <section class="card">
      <h3>
        {name}: {store.account}
      </h3>
      <Alert message={error || store.error || ''} />
      <ul class="checklist">
        <Check ok={!store.error} label="Credentials verified">
          {store.platform !== 'shopify'
            ? store.platform === 'woocommerce'
              ? 'REST API key'
              : 'API account token'
            : `${store.method === 'client_credentials' ? 'Client credentials (tokens renewed daily)' : store.method === 'oauth' ? 'Installed through OAuth' : 'Admin API token'}; scopes ${store.scopes.join(', ')}`}
        </Check>
        <Check ok={store.catalog.status === 'done'} label="Catalog imported">
          <CatalogProgress platform={store.platform} catalog={store.catalog} onDone={() => void state.reload()} />
        </Check>
        <Check ok={store.webhooks.length > 0} label="Webhooks registered">
          <ul>
            {store.webhooks.map((w) => (
              <li key={w.topic}>
                <code>{w.topic}</code>: {w.lastArrivedAt ? `last arrived ${ago(w.lastArrivedAt)}` : 'nothing yet'}
              </li>
            ))}
          </ul>
          {heard.length === 0 ? 'Deliveries appear here as the store sends them.' : null}
        </Check>
        <Check ok={store.origins.length > 0 && store.origins.every((o) => o.allowed)} label="Storefront origins allowed">
          {store.origins.map((o) => o.origin).join(', ')}
        </Check>
        <WidgetSeen seen={state.data.widget.seen} origins={store.origins} />
        {store.reservations ? (
          <Check ok={store.reservations.problems.length === 0} label="Held units reserved on the store">
            {store.reservations.units === 0
              ? store.platform === 'shopify'
                ? 'Nothing held right now. While a hold runs, its units are moved to “reserved” in Shopify, so nobody else can buy them.'
                : `Nothing held right now. While a hold runs, its units are taken out of ${name}'s stock, so nobody else can buy them, and put back when it ends.`
              : `${store.reservations.units} unit${store.reservations.units === 1 ? '' : 's'} of ${store.reservations.variants} variant${store.reservations.variants === 1 ? '' : 's'} held in ${name} for the people holding them.`}
            {store.reservations.problems.length > 0 ? (
              <ul>
                {store.reservations.problems.map((p) => (
                  <li key={p.variantId}>
                    Variant <code>{p.variantId}</code>: {p.error} ({ago(p.at)})
                  </li>
                ))}
              </ul>
            ) : null}
          </Check>
        ) : null}
      </ul>
      <button type="button" class="secondary" disabled={store.catalog.status === 'queued' || store.catalog.status === 'running'} onClick={() => void act(`/v1/admin/connections/${store.platform}/sync`, 'POST')}>
        Import the catalog again
      </button>{' '}
      <button
        type="button"
        class="secondary"
        onClick={() => void act(`/v1/admin/connections/${store.platform}`, 'DELETE', 'Disconnect this store? Units reserved for holds go back on sale and its webhooks are removed; your variants and waiting lines stay.')}
      >
        Disconnect
      </button>
    </section>
  );
}
