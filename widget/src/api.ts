import type { ShopConfig, WidgetConfig } from './config.ts';

export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export interface SignupView {
  token?: string;
  status: string;
  position: number | null;
  kind?: string;
  offer?: { expiresAt: string; claimUrl: string };
}

/** Every call carries the publishable key and gives up after 8 s: a slow API never blocks the page. */
async function call<T>(cfg: WidgetConfig, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${cfg.api}/v1/storefront/${path}${path.includes('?') ? '&' : '?'}key=${cfg.key}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(8000),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw (data && data.error) || { code: 'network', message: '' };
  return data as T;
}

/** The form chunk's calls. The loader's config call is a separate export, so neither bundle carries the other's. */
export const api = {
  join: (cfg: WidgetConfig, body: Record<string, unknown>) => call<{ signup: SignupView }>(cfg, 'POST', 'signups', body),
  status: (cfg: WidgetConfig, token: string) => call<{ signup: SignupView }>(cfg, 'GET', `signups/${token}`),
  leave: (cfg: WidgetConfig, token: string) => call<{ signup: SignupView }>(cfg, 'DELETE', `signups/${token}`),
  hold: (cfg: WidgetConfig, token: string) =>
    call<{ hold: { status: string; variantId: string; expiresAt: string } }>(cfg, 'GET', `holds/${token}`),
};

/** The one config request of a page, for every variant it can show. Any failure is a rejection the loader drops; a slow API never blocks the page. */
export const loadConfig = (cfg: WidgetConfig, ids: string[]): Promise<ShopConfig> =>
  fetch(`${cfg.api}/v1/storefront/config?key=${cfg.key}&locale=${cfg.locale}&variants=${ids.map(encodeURIComponent).join(',')}`, { signal: AbortSignal.timeout(8000) }).then((r) => (r.ok ? r.json() : Promise.reject(r)));
