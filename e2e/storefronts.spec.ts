import { expect, test } from '@playwright/test';
import { fifo, fixture, serve, shopFor, shot, signUp, somebodyFirst, useStore } from './storefront.ts';

/** The built widget on the classic markup of each platform (e2e/storefront.ts says how it is served). */
const store = useStore();

test('Shopify Dawn: swap, sign up, switch variants, survive a section re-render', async ({ page, request }, info) => {
  const url = '/products/ocean-blue-tee?variant=44012345678901';
  const { pk, auth } = await shopFor(request, store, {
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
  await serve(page, store, url, fixture('shopify/shopify-dawn-soldout.html'), pk, `<script>${fixture('dawn-variant-picker.js')}</script>`);

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
  const { pk, auth } = await shopFor(request, store, { '101': { productTitle: 'Canvas Tote', inventory: 0 } });
  await somebodyFirst(request, pk, '101');
  await serve(page, store, '/product/canvas-tote/', fixture('woocommerce/wc-simple-outofstock.html'), pk);
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
  const { pk, auth } = await shopFor(request, store, {
    '203': { productTitle: 'Hoodie', title: 'Small', inventory: 5 },
    '204': { productTitle: 'Hoodie', title: 'Medium', inventory: 0 },
  });
  await somebodyFirst(request, pk, '204');
  let configRequests = 0;
  page.on('request', (r) => r.url().includes('/v1/storefront/config') && configRequests++);
  await serve(page, store, '/product/hoodie/', fixture('woocommerce/wc-variable-one-variation-oos.html'), pk);
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

test('a failing API, an unknown key or garbage attributes leave the page as it was', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, { '44012345678901': { title: 'S', inventory: 0 } });
  const html = fixture('shopify/shopify-dawn-soldout.html');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await serve(page, store, '/products/ocean-blue-tee', html, pk, '', true);
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();
  await expect(page.locator('waitline-form')).toHaveCount(0);

  await page.unrouteAll();
  await serve(page, store, '/products/ocean-blue-tee', html, 'pk_unknownkey123456789');
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();

  await page.unrouteAll();
  await serve(page, store, '/products/ocean-blue-tee', html.replace('value="44012345678901"', 'value="&lt;img src=x onerror=alert(1)&gt;"'), '<script>');
  await page.waitForTimeout(300);
  await expect(page.locator('button[name="add"]')).toBeVisible();
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => Object.keys(window).filter((k) => k.toLowerCase().includes('waitline')))).toEqual([]);
});

test("a merchant's string with markup-like text is shown as text, and the shop's theme applies", async ({ page, request }) => {
  const { pk } = await shopFor(
    request,
    store,
    { '44012345678901': { title: 'S', inventory: 0 } },
    { strings: { en: { 'widget.button': 'Tell me <3 & "soon"' } }, theme: { accent: 'rgb(200, 0, 80)' } },
  );
  await serve(page, store, '/products/ocean-blue-tee', fixture('shopify/shopify-dawn-soldout.html'), pk);
  const button = page.locator('waitline-form').getByRole('button', { name: 'Tell me <3 & "soon"' });
  await expect(button).toBeVisible();
  await expect(button).toHaveCSS('background-color', 'rgb(200, 0, 80)');
  await expect(page.locator('waitline-form').locator('b, img, script')).toHaveCount(0);
});

test('custom markup with data-waitline-variant: pre-order with ETA, slots and quantity, then the plain waitlist past the limit', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    'sku-lamp': { productTitle: 'Desk Lamp', mode: 'preorder', inventory: 0, preorderLimit: 3, eta: { earliest: '2027-03-01', latest: '2027-03-10' } },
  });
  const html = `<!doctype html><html lang="en"><body><main><h1>Desk Lamp</h1>
    <div id="buy"><button id="buy-button" data-waitline-variant="sku-lamp" disabled>Unavailable</button></div>
    <p>Made to order.</p></main></body></html>`;
  await serve(page, store, '/lamp', html, pk);
  const form = page.locator('waitline-form');
  await expect(form.getByText('Pre-order, expected Mar 1–Mar 10 · 3 left')).toBeVisible();
  await expect(page.locator('#buy-button')).toBeHidden();
  await form.getByPlaceholder('Email').fill('lamp@example.com');
  await form.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
  await form.getByRole('button', { name: 'Pre-order' }).click();
  await expect(form.getByRole('status')).toHaveText(/^Pre-order placed: you're #1 in line for the incoming stock, expected Mar 1–Mar 10\./);
  await shot(page, info, 'generic-preorder-joined');
  const { signups } = await (await request.get('/v1/admin/signups?variantId=sku-lamp', { headers: auth })).json();
  expect(signups.map((s: { kind: string; quantity: number }) => [s.kind, s.quantity])).toEqual([['preorder', 2]]);

  // One slot left; someone takes it. A new visitor now sees the plain waitlist.
  await request.post('/v1/storefront/signups', { data: { key: pk, variantId: 'sku-lamp', email: 'last@example.com', kind: 'preorder' } });
  const visitor = await (await page.context().browser()!.newContext()).newPage();
  await serve(visitor, store, '/lamp', html, pk);
  const fallback = visitor.locator('waitline-form');
  await expect(fallback.getByText('Sold out. Get notified when it is back')).toBeVisible();
  await expect(fallback.getByRole('spinbutton')).toHaveCount(0);
  await expect(fallback.getByRole('button', { name: 'Notify me' })).toBeVisible();
});
