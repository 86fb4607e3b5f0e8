import type { ShopConfig, WidgetConfig } from './config.ts';

export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export interface SignupAnswer {
  signup: { token: string; status: string; position: number | null; kind: string; variantId: string };
}

async function call<T>(cfg: WidgetConfig, method: string, path: string, body?: unknown): Promise<T> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${cfg.api}${path}${sep}key=${encodeURIComponent(cfg.key)}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw (data && data.error) || { code: 'network', message: 'Something went wrong. Please try again.' };
  return data as T;
}

export const loadConfig = (cfg: WidgetConfig, variantIds: string[]) =>
  call<ShopConfig>(cfg, 'GET', `/v1/storefront/config?variants=${variantIds.map(encodeURIComponent).join(',')}`);

export const joinQueue = (cfg: WidgetConfig, body: Record<string, unknown>) =>
  call<SignupAnswer>(cfg, 'POST', '/v1/storefront/signups', { key: cfg.key, ...body });
