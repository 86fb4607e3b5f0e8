import { gzipSync } from 'node:zlib';
import { expect, test, type Page, type Request, type Response } from '@playwright/test';
import { API, shopFor, useStore } from './storefront.ts';

/**
 * widget.js is a loader; the form (preact and Form.tsx) is a chunk it imports
 * only when a form will show. Small inline pages, served from the store's own
 * origin; `data-waitline-compact` and `data-waitline-hide` are the generic
 * adapter's ways to ask for the compact and hide slot features.
 */
const store = useStore();
const CHUNK = /\/widget\/form\.[0-9a-f]{10}\.js$/;
const isChunk = (r: Request) => CHUNK.test(r.url());

/** Serves `body` with the widget tag; `routes` go in first, so they are asked before the network lock. */
async function open(page: Page, path: string, body: string, pk: string, routes?: (page: Page) => Promise<unknown>) {
  store.pages.set(path, `<!doctype html><html lang="en"><body>${body}<script src="${API()}/widget.js" data-key="${pk}" defer></script></body></html>`);
  await page.route('**/*', (route) => ([API(), store.origin].includes(new URL(route.request().url()).origin) ? route.fallback() : route.abort()));
  await routes?.(page);
  const chunks: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => isChunk(r) && chunks.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${store.origin}${path}`);
  return { chunks, errors };
}

// A headless store's product: a size picker that re-marks the button, a quantity to hide beside the form.
const product = (first: string) => `<main><h1>Desk Lamp</h1>
  <select id="size"><option value="lamp-s">S</option><option value="lamp-m">M</option></select>
  <div id="qty" style="display: flex" data-waitline-hide><label>Qty <input value="1"></label></div>
  <button id="buy" data-waitline-variant="${first}">Add to cart</button>
  <p>Ships in two days.</p><p>Free returns.</p></main>
  <script>document.getElementById('size').addEventListener('change', (e) => { document.getElementById('buy').dataset.waitlineVariant = e.target.value; });</script>`;

const LAMP = { 'lamp-s': { productTitle: 'Desk Lamp', title: 'S', inventory: 0 }, 'lamp-m': { productTitle: 'Desk Lamp', title: 'M', inventory: 4 } };

test('an in-stock page never fetches the form chunk; widget.js keeps its five-minute cache', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, LAMP);
  const config = page.waitForResponse((r) => r.url().includes('/v1/storefront/config'));
  const scripts: Response[] = [];
  page.on('response', (r) => r.url().startsWith(API()) && r.request().resourceType() === 'script' && scripts.push(r));
  const { chunks, errors } = await open(page, '/lamp-m', product('lamp-m'), pk);
  expect((await config).status()).toBe(200);
  await page.waitForTimeout(600);
  // What this page downloaded of ours is the loader alone, within its budget (SPEC §7).
  const gzipped = await Promise.all(scripts.map(async (r) => gzipSync(await r.body(), { level: 9 }).length));
  expect(scripts.map((r) => new URL(r.url()).pathname)).toEqual(['/widget.js']);
  expect(gzipped[0]).toBeLessThanOrEqual(3 * 1024);
  await expect(page.locator('#buy')).toBeVisible();
  await expect(page.locator('waitline-form')).toHaveCount(0);
  expect(chunks).toEqual([]);
  expect(errors).toEqual([]);
  expect((await request.get('/widget.js')).headers()['cache-control']).toBe('public, max-age=300');
});

test('a sold-out page fetches the chunk once, cached for good, and swaps the button in the same frame without a layout shift', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, LAMP);
  await page.addInitScript(() => {
    const w = window as unknown as { cls: number; gaps: number };
    w.cls = 0;
    w.gaps = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    // Every batch of DOM changes: the store's button may be hidden only once our form is rendered.
    new MutationObserver(() => {
      const button = document.getElementById('buy');
      const form = document.querySelector('waitline-form')?.shadowRoot?.querySelector('form');
      if (button && getComputedStyle(button).display === 'none' && !form) w.gaps++;
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  // A slow chunk: until it is here, the page must stay as the store made it.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const { chunks, errors } = await open(page, '/lamp-s', product('lamp-s'), pk, (p) =>
    p.route(CHUNK, async (route) => {
      await held;
      await route.fallback();
    }),
  );
  await expect.poll(() => chunks.length).toBe(1);
  await page.waitForTimeout(200);
  await expect(page.locator('#buy')).toBeVisible();
  await expect(page.locator('waitline-form')).toHaveCount(0);
  const response = page.waitForResponse((r) => CHUNK.test(r.url()));
  release();
  const chunk = await response;
  expect(chunk.headers()).toMatchObject({ 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*', 'content-type': 'text/javascript; charset=utf-8' });

  const form = page.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('#buy')).toBeHidden();
  expect(await page.evaluate(() => (window as unknown as { gaps: number }).gaps)).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { cls: number }).cls)).toBeLessThan(0.1);

  // Back and forth between sizes: the chunk is not fetched again.
  await page.locator('#size').selectOption('lamp-m');
  await expect(form).toHaveCount(0);
  await page.locator('#size').selectOption('lamp-s');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  expect(chunks).toHaveLength(1);
  expect(errors).toEqual([]);
  // No global but the command queue.
  expect(await page.evaluate(() => Object.keys(window).filter((k) => /waitline/i.test(k)))).toEqual(['Waitline']);
  // A name this build did not make is not served.
  expect((await request.get('/widget/form.0000000000.js')).status()).toBe(404);
});

test("a chunk that fails to load leaves the store's buttons usable and throws nothing into the page", async ({ page, request }) => {
  const { pk } = await shopFor(request, store, { ...LAMP, 'tee-s': { title: 'S', inventory: 0 } });
  const card = '<ul><li><a href="/tee">Tee</a> <button id="quick" data-waitline-variant="tee-s" data-waitline-compact>Sold out</button></li></ul>';
  const { chunks, errors } = await open(page, '/lamp-s', product('lamp-s') + card, pk, (p) => p.route(CHUNK, (route) => route.abort('failed')));
  await expect.poll(() => chunks.length).toBe(1);
  await page.waitForTimeout(600);
  await expect(page.locator('#buy')).toBeVisible();
  await expect(page.locator('#buy')).toBeEnabled();
  await expect(page.locator('#qty')).toBeVisible();
  // No compact card either: with no form to open, the store's own button stays.
  await expect(page.locator('#quick')).toBeVisible();
  await expect(page.locator('waitline-form')).toHaveCount(0);
  expect(errors).toEqual([]);
  await page.locator('#size').selectOption('lamp-m');
  await page.locator('#size').selectOption('lamp-s');
  await page.waitForTimeout(300);
  await expect(page.locator('#buy')).toBeVisible();
  expect(chunks).toHaveLength(1);
});

test('a compact card: a small Notify me button, then the full form in the card on a key press, focused', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, { 'tee-s': { productTitle: 'Tee', title: 'S', inventory: 0 }, 'tee-m': { productTitle: 'Tee', title: 'M', inventory: 3 } });
  const grid = `<ul class="grid">
    <li class="card" id="card-s"><span>Tee S</span> <button id="quick-s" data-waitline-variant="tee-s" data-waitline-compact>Sold out</button></li>
    <li class="card" id="card-m"><span>Tee M</span> <button id="quick-m" data-waitline-variant="tee-m" data-waitline-compact>Add to cart</button></li></ul>`;
  const { chunks, errors } = await open(page, '/collections/tees', grid, pk);
  const card = page.locator('#card-s waitline-form');
  const compact = card.getByRole('button', { name: 'Notify me' });
  await expect(compact).toBeVisible();
  await expect(page.locator('#quick-s')).toBeHidden();
  await expect(page.locator('#quick-m')).toBeVisible();
  await expect(card.getByPlaceholder('Email')).toHaveCount(0); // a button until asked
  expect(chunks).toHaveLength(1); // the button comes with the chunk: a grid with a sold-out card fetches it once

  await page.keyboard.press('Tab');
  await expect(compact).toBeFocused();
  await page.keyboard.press('Enter');
  const email = card.getByPlaceholder('Email');
  await expect(email).toBeFocused();
  expect(chunks).toHaveLength(1); // and not again to open the form
  await page.keyboard.type('card@example.com');
  await page.keyboard.press('Enter');
  await expect(card.getByRole('status')).toHaveText(/^You're #1 in line/);
  await expect(page.locator('#card-m waitline-form')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('hide: the theme elements a slot names hide while the form shows and come back on a variant switch', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, LAMP);
  const { errors } = await open(page, '/lamp-s', product('lamp-s'), pk);
  const form = page.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('#qty')).toBeHidden();

  await page.locator('#size').selectOption('lamp-m');
  await expect(form).toHaveCount(0);
  await expect(page.locator('#buy')).toBeVisible();
  await expect(page.locator('#qty')).toBeVisible();
  expect(await page.locator('#qty').getAttribute('style')).toBe('display: flex;'); // restored as the store had it

  await page.locator('#size').selectOption('lamp-s');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('#qty')).toBeHidden();
  expect(errors).toEqual([]);
});
