import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';

/**
 * What every storefront spec shares: the built widget on the real markup of a
 * platform (e2e/fixtures), served from the store's own origin while the widget
 * and API come from the real server, as on a merchant's site. Nothing else on
 * the network answers.
 */
const ROOT = { authorization: 'Bearer e2e-root-token' };
export const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
export const API = () => `http://localhost:${process.env.E2E_PORT ?? 8799}`;

/**
 * The store: a real server on loopback, as a merchant's site is a real origin.
 * (A page faked with page.route counts as public, and Chromium then refuses
 * its requests to a loopback API.) Pages are set per test with `serve`, and
 * `routes` answers anything else a theme's script fetches (`path → body`; a
 * route gets the request's body, as a store answers a theme's POST by it).
 * Call once at the top of a spec file.
 */
export function useStore(routes: Record<string, (requestBody: string) => string> = {}) {
  const pages = new Map<string, string>();
  let server: Server;
  const store = { origin: '', pages };
  test.beforeAll(async () => {
    server = createServer((req, res) => {
      let requestBody = '';
      req.on('data', (chunk) => (requestBody += chunk));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const section = path.match(/^\/sections\/(available|soldout)\.html$/)?.[1];
        const body = section ? fixture(`shopify/shopify-dawn-section-render-${section}.html`) : (pages.get(path) ?? routes[path]?.(requestBody));
        const json = body !== undefined && /^\s*[[{]/.test(body) && !pages.has(path);
        res.writeHead(body === undefined ? 404 : 200, { 'content-type': json ? 'application/json' : 'text/html; charset=utf-8' });
        res.end(body ?? 'not found');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    store.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return store;
}

export type Store = ReturnType<typeof useStore>;

export async function shopFor(request: APIRequestContext, store: Store, variants: Record<string, Record<string, unknown>>, settings: Record<string, unknown> = {}) {
  const res = await request.post('/v1/shops', { headers: ROOT, data: { name: 'Ocean & Co', settings: { allowedOrigins: [store.origin], ...settings } } });
  expect(res.status()).toBe(201);
  const { publishableKey, secretKey } = await res.json();
  const auth = { authorization: `Bearer ${secretKey}` };
  for (const [id, body] of Object.entries(variants)) {
    expect((await request.put(`/v1/admin/variants/${encodeURIComponent(id)}`, { headers: auth, data: body })).ok()).toBe(true);
  }
  return { pk: publishableKey as string, auth };
}

const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** Serves `html` at `path` with the widget tag added the way a merchant would paste it; nothing else on the network answers. */
export async function serve(page: Page, store: Store, path: string, html: string, pk: string, extra = '', failConfig = false) {
  store.pages.set(path.split('?')[0]!, html.replace('</body>', `${extra}<script src="${API()}/widget.js" data-key="${pk}" defer></script></body>`));
  await page.route('**/*', (route) => {
    const { origin } = new URL(route.request().url());
    if (origin === API() || origin === store.origin) return route.continue();
    // A store's CDN answers its images. An aborted one (Dawn's 1946×1946 product shot) collapses to its alt
    // text after first paint and moves the whole page by itself: CLS 0.88, measured with no widget at all.
    return route.request().resourceType() === 'image' ? route.fulfill({ contentType: 'image/png', body: PIXEL }) : route.abort();
  });
  // Registered last, so it is asked first: the API is down for the config request.
  if (failConfig) await page.route(`${API()}/v1/storefront/config**`, (route) => route.abort('failed'));
  await page.goto(`${store.origin}${path}`);
}

export async function signUp(page: Page, email: string, position = 2) {
  const form = page.locator('waitline-form');
  await form.getByPlaceholder('Email').fill(email);
  await form.getByPlaceholder('Email').press('Enter');
  await expect(form.getByRole('status')).toHaveText(new RegExp(`^You're #${position} in line\\. We'll message ${email.replace('.', '\\.')}`));
}

/** Someone joined before the browser's shopper, so FIFO shows as #2. */
export async function somebodyFirst(request: APIRequestContext, pk: string, variantId: string) {
  const res = await request.post('/v1/storefront/signups', { data: { key: pk, variantId, email: `first-${variantId}@example.com` } });
  expect(res.status()).toBe(201);
}

export async function fifo(request: APIRequestContext, auth: Record<string, string>, variantId: string) {
  const res = await request.get(`/v1/admin/signups?variantId=${encodeURIComponent(variantId)}`, { headers: auth });
  return (await res.json()).signups.map((s: { email: string; position: number }) => [s.email, s.position]);
}

/** The product form area as the shopper sees it (the fixtures carry no theme CSS). */
export async function shot(page: Page, info: TestInfo, name: string) {
  const area = page.locator('waitline-form, [name="add"], .single_add_to_cart_button, #form-action-addToCart, p.stock').first();
  await area.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}
