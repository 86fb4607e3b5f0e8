import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';

/**
 * The built widget on the real markup of each platform (e2e/fixtures), served
 * from the store's own origin while the widget and API come from the real
 * server, as on a merchant's site. Nothing else on the network answers.
 */
const ROOT = { authorization: 'Bearer e2e-root-token' };
const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
const API = () => `http://localhost:${process.env.E2E_PORT ?? 8799}`;

async function shopFor(request: APIRequestContext, variants: Record<string, Record<string, unknown>>, settings: Record<string, unknown> = {}) {
  const res = await request.post('/v1/shops', { headers: ROOT, data: { name: 'Ocean & Co', settings: { allowedOrigins: [STORE], ...settings } } });
  expect(res.status()).toBe(201);
  const { publishableKey, secretKey } = await res.json();
  const auth = { authorization: `Bearer ${secretKey}` };
  for (const [id, body] of Object.entries(variants)) {
    expect((await request.put(`/v1/admin/variants/${encodeURIComponent(id)}`, { headers: auth, data: body })).ok()).toBe(true);
  }
  return { pk: publishableKey as string, auth };
}

/**
 * The store: a real server on loopback, as a merchant's site is a real origin.
 * (A page faked with page.route counts as public, and Chromium then refuses
 * its requests to a loopback API.) Pages are set per test.
 */
const pages = new Map<string, string>();
let store: Server;
let STORE = '';
test.beforeAll(async () => {
  store = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const section = path.match(/^\/sections\/(available|soldout)\.html$/)?.[1];
    const body = section ? fixture(`shopify/shopify-dawn-section-render-${section}.html`) : pages.get(path);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
  STORE = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => store.close(() => resolve())));

/** Serves `html` at `path` with the widget tag added the way a merchant would paste it; nothing else on the network answers. */
async function serve(page: Page, path: string, html: string, pk: string, extra = '', failConfig = false) {
  pages.set(path.split('?')[0]!, html.replace('</body>', `${extra}<script src="${API()}/widget.js" data-key="${pk}" defer></script></body>`));
  await page.route('**/*', (route) => {
    const { origin } = new URL(route.request().url());
    return origin === API() || origin === STORE ? route.continue() : route.abort();
  });
  // Registered last, so it is asked first: the API is down for the config request.
  if (failConfig) await page.route(`${API()}/v1/storefront/config**`, (route) => route.abort('failed'));
  await page.goto(`${STORE}${path}`);
}

async function signUp(page: Page, email: string) {
  const form = page.locator('waitline-form');
  await form.getByPlaceholder('Email').fill(email);
  await form.getByPlaceholder('Email').press('Enter');
  await expect(form.getByRole('status')).toHaveText(new RegExp(`^You're #2 in line\\. We'll message ${email.replace('.', '\\.')}`));
}

/** Someone joined before the browser's shopper, so FIFO shows as #2. */
async function somebodyFirst(request: APIRequestContext, pk: string, variantId: string) {
  const res = await request.post('/v1/storefront/signups', { data: { key: pk, variantId, email: `first-${variantId}@example.com` } });
  expect(res.status()).toBe(201);
}

async function fifo(request: APIRequestContext, auth: Record<string, string>, variantId: string) {
  const res = await request.get(`/v1/admin/signups?variantId=${encodeURIComponent(variantId)}`, { headers: auth });
  return (await res.json()).signups.map((s: { email: string; position: number }) => [s.email, s.position]);
}

/** The product form area as the shopper sees it (the fixtures carry no theme CSS). */
async function shot(page: Page, info: TestInfo, name: string) {
  const area = page.locator('waitline-form, [name="add"], .single_add_to_cart_button, #form-action-addToCart, p.stock').first();
  await area.scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

test('Shopify Dawn: swap, sign up, switch variants, survive a section re-render', async ({ page, request }, info) => {
  const url = '/products/ocean-blue-tee?variant=44012345678901';
  const { pk, auth } = await shopFor(request, {
    '44012345678901': { productTitle: 'Ocean Blue Tee', title: 'S', inventory: 0 },
    '44012345678902': { productTitle: 'Ocean Blue Tee', title: 'M', inventory: 5 },
  });
  await somebodyFirst(request, pk, '44012345678901');
  await page.addInitScript(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
        if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await serve(page, url, fixture('shopify/shopify-dawn-soldout.html'), pk, `<script>${fixture('dawn-variant-picker.js')}</script>`);

  const button = page.locator('button[name="add"]');
  const form = page.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(button).toBeHidden();
  await expect(button).toHaveCount(1); // hidden, never destroyed
  await shot(page, info, 'dawn-1-sold-out-form');
  expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBeLessThan(0.1);

  await signUp(page, 'dawn@example.com');
  expect(await fifo(request, auth, '44012345678901')).toEqual([
    ['first-44012345678901@example.com', 1],
    ['dawn@example.com', 2],
  ]);
  await shot(page, info, 'dawn-2-joined');

  await page.locator('label', { hasText: /^\s*M/ }).click();
  await expect(page).toHaveURL(/variant=44012345678902/);
  await expect(button).toBeVisible();
  await expect(button).toHaveText('Add to cart');
  await expect(form).toHaveCount(0);
  await shot(page, info, 'dawn-3-available-button-back');

  await page.locator('label', { hasText: /^\s*S/ }).click();
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(button).toBeHidden();

  // The theme replaces the whole section: the widget re-attaches to the new button.
  await page.evaluate(() => (window as unknown as { rerenderSection(n: string): Promise<void> }).rerenderSection('soldout'));
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(page.locator('button[name="add"]')).toBeHidden();
  await expect(form).toHaveCount(1);
  await shot(page, info, 'dawn-4-after-section-rerender');
});

test('WooCommerce simple: the form goes where the out-of-stock note is', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, { '101': { productTitle: 'Canvas Tote', inventory: 0 } });
  await somebodyFirst(request, pk, '101');
  await serve(page, '/product/canvas-tote/', fixture('woocommerce/wc-simple-outofstock.html'), pk);
  const note = page.locator('p.stock.out-of-stock');
  await expect(note).toBeVisible();
  await expect(page.locator('p.stock.out-of-stock + waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await shot(page, info, 'woo-simple-1-form');
  await signUp(page, 'tote@example.com');
  expect(await fifo(request, auth, '101')).toEqual([
    ['first-101@example.com', 1],
    ['tote@example.com', 2],
  ]);
  await shot(page, info, 'woo-simple-2-joined');
});

test('WooCommerce variable: the chosen variation decides, without WooCommerce\'s script', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, {
    '203': { productTitle: 'Hoodie', title: 'Small', inventory: 5 },
    '204': { productTitle: 'Hoodie', title: 'Medium', inventory: 0 },
  });
  await somebodyFirst(request, pk, '204');
  let configRequests = 0;
  page.on('request', (r) => r.url().includes('/v1/storefront/config') && configRequests++);
  await serve(page, '/product/hoodie/', fixture('woocommerce/wc-variable-one-variation-oos.html'), pk);
  const button = page.locator('.single_add_to_cart_button');
  const form = page.locator('waitline-form');
  await expect(button).toBeVisible(); // nothing chosen yet
  await shot(page, info, 'woo-variable-1-nothing-chosen');

  await page.locator('select#pa_size').selectOption('medium');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(button).toBeHidden();
  await shot(page, info, 'woo-variable-2-medium-sold-out');
  await signUp(page, 'hoodie@example.com');
  expect(await fifo(request, auth, '204')).toEqual([
    ['first-204@example.com', 1],
    ['hoodie@example.com', 2],
  ]);

  await page.locator('select#pa_size').selectOption('small');
  await expect(button).toBeVisible();
  await expect(form).toHaveCount(0);
  await shot(page, info, 'woo-variable-3-small-available');
  await page.locator('select#pa_size').selectOption('medium');
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  expect(configRequests).toBe(1); // every variation came with the first request
});

test('BigCommerce Cornerstone: the disabled Add to Cart becomes the form', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, { '112': { productTitle: 'Tote', inventory: 0 } });
  await somebodyFirst(request, pk, '112');
  await page.addInitScript(() => {
    (window as unknown as { stencilBootstrap: unknown }).stencilBootstrap = () => ({ load() {} });
  });
  await serve(page, '/tote/', fixture('bigcommerce/cornerstone-simple-outofstock-after-js.html'), pk);
  await expect(page.locator('waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('#form-action-addToCart')).toBeHidden();
  await shot(page, info, 'bigcommerce-1-form');
  await signUp(page, 'bc@example.com');
  expect(await fifo(request, auth, '112')).toEqual([
    ['first-112@example.com', 1],
    ['bc@example.com', 2],
  ]);
  await shot(page, info, 'bigcommerce-2-joined');
});

test('a failing API, an unknown key or garbage attributes leave the page as it was', async ({ page, request }) => {
  const { pk } = await shopFor(request, { '44012345678901': { title: 'S', inventory: 0 } });
  const html = fixture('shopify/shopify-dawn-soldout.html');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await serve(page, '/products/ocean-blue-tee', html, pk, '', true);
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();
  await expect(page.locator('waitline-form')).toHaveCount(0);

  await page.unrouteAll();
  await serve(page, '/products/ocean-blue-tee', html, 'pk_unknownkey123456789');
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();

  await page.unrouteAll();
  await serve(page, '/products/ocean-blue-tee', html.replace('value="44012345678901"', 'value="&lt;img src=x onerror=alert(1)&gt;"'), '<script>');
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => Object.keys(window).filter((k) => k.toLowerCase().includes('waitline')))).toEqual([]);
});

test("a merchant's string with markup-like text is shown as text, and the shop's theme applies", async ({ page, request }) => {
  const { pk } = await shopFor(
    request,
    { '44012345678901': { title: 'S', inventory: 0 } },
    { strings: { en: { 'widget.button': 'Tell me <3 & "soon"' } }, theme: { accent: 'rgb(200, 0, 80)' } },
  );
  await serve(page, '/products/ocean-blue-tee', fixture('shopify/shopify-dawn-soldout.html'), pk);
  const button = page.locator('waitline-form').getByRole('button', { name: 'Tell me <3 & "soon"' });
  await expect(button).toBeVisible();
  await expect(button).toHaveCSS('background-color', 'rgb(200, 0, 80)');
  await expect(page.locator('waitline-form').locator('b, img, script')).toHaveCount(0);
});

test('custom markup with data-waitline-variant: pre-order with ETA, slots and quantity, then the plain waitlist past the limit', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, {
    'sku-lamp': { productTitle: 'Desk Lamp', mode: 'preorder', inventory: 0, preorderLimit: 3, eta: { earliest: '2027-03-01', latest: '2027-03-10' } },
  });
  const html = `<!doctype html><html lang="en"><body><main><h1>Desk Lamp</h1>
    <div id="buy"><button id="buy-button" data-waitline-variant="sku-lamp" disabled>Unavailable</button></div>
    <p>Made to order.</p></main></body></html>`;
  await serve(page, '/lamp', html, pk);
  const form = page.locator('waitline-form');
  await expect(form.getByText('Pre-order, expected Mar 1–Mar 10 · 3 left')).toBeVisible();
  await expect(page.locator('#buy-button')).toBeHidden();
  await form.getByPlaceholder('Email').fill('lamp@example.com');
  await form.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
  await form.getByRole('button', { name: 'Pre-order' }).click();
  await expect(form.getByRole('status')).toHaveText(/^You're #1 in line/);
  await shot(page, info, 'generic-preorder-joined');
  const { signups } = await (await request.get('/v1/admin/signups?variantId=sku-lamp', { headers: auth })).json();
  expect(signups.map((s: { kind: string; quantity: number }) => [s.kind, s.quantity])).toEqual([['preorder', 2]]);

  // One slot left; someone takes it. A new visitor now sees the plain waitlist.
  await request.post('/v1/storefront/signups', { data: { key: pk, variantId: 'sku-lamp', email: 'last@example.com', kind: 'preorder' } });
  const visitor = await (await page.context().browser()!.newContext()).newPage();
  await serve(visitor, '/lamp', html, pk);
  const fallback = visitor.locator('waitline-form');
  await expect(fallback.getByText('Sold out. Get notified when it is back')).toBeVisible();
  await expect(fallback.getByRole('spinbutton')).toHaveCount(0);
  await expect(fallback.getByRole('button', { name: 'Notify me' })).toBeVisible();
});
