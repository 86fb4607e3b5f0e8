import { expect, test, type Page } from '@playwright/test';
import { fifo, fixture, serve, shopFor, shot, signUp, somebodyFirst, useStore } from './storefront.ts';

/**
 * The built widget on WooCommerce block themes, the default for new stores: the "Add to Cart with Options" block
 * (Interactivity API) and WooCommerce's own blockified single-product template. Fixtures and the stand-in for
 * WooCommerce's client stores are in e2e/fixtures/woocommerce/ with the sources they were rendered from.
 */
const store = useStore();

function countConfigRequests(page: Page) {
  const seen = { count: 0 };
  page.on('request', (r) => r.url().includes('/v1/storefront/config') && seen.count++);
  return seen;
}

test('Add to Cart with Options, sold-out simple product: the form goes after the stock indicator', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, { '130': { productTitle: 'Linen Apron', inventory: 0 } });
  await somebodyFirst(request, pk, '130');
  const config = countConfigRequests(page);
  await serve(page, store, '/product/linen-apron/', fixture('woocommerce/wc-blocks-simple-outofstock.html'), pk);

  const form = page.locator('form.wc-block-add-to-cart-with-options .wc-block-components-product-stock-indicator--out-of-stock + waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('.wc-block-components-product-stock-indicator--out-of-stock')).toHaveText('Out of stock');
  await shot(page, info, 'woo-blocks-simple-1-form');
  await signUp(page, 'apron@example.com');
  expect(await fifo(request, auth, '130')).toEqual([
    ['first-130@example.com', 1],
    ['apron@example.com', 2],
  ]);
  await expect(page.locator('waitline-form')).toHaveCount(1);
  expect(config.count).toBe(1);
});

test('Add to Cart with Options, variable product with pills: variations switch both ways, pre-order in place of the button', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    '311': { productTitle: 'Harbor Hoodie', title: 'Small', inventory: 4 },
    '312': { productTitle: 'Harbor Hoodie', title: 'Medium', inventory: 0 },
    '313': { productTitle: 'Harbor Hoodie', title: 'Large', mode: 'preorder', inventory: 0, preorderLimit: 10 },
  });
  await somebodyFirst(request, pk, '312');
  const config = countConfigRequests(page);
  await serve(page, store, '/product/harbor-hoodie/', fixture('woocommerce/wc-blocks-variable-pills.html'), pk, `<script>${fixture('woocommerce/wc-blocks-interactivity.js')}</script>`);

  const button = page.locator('form.wc-block-add-to-cart-with-options .wc-block-components-product-button__button');
  const form = page.locator('waitline-form');
  const pill = (label: string) => page.locator('.wc-block-add-to-cart-with-options-variation-selector-attribute-options__pill', { hasText: label });
  await expect(button).toBeVisible(); // nothing chosen yet: WooCommerce's own disabled button stays
  await expect(form).toHaveCount(0);

  await pill('Medium').click();
  await expect(page.locator('input[name="variation_id"]')).toHaveValue('312');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(button).toBeHidden();
  await expect(button).toHaveCount(1); // hidden, never destroyed
  await shot(page, info, 'woo-blocks-variable-1-medium-sold-out');
  await signUp(page, 'hoodie@example.com');
  expect(await fifo(request, auth, '312')).toEqual([
    ['first-312@example.com', 1],
    ['hoodie@example.com', 2],
  ]);

  await pill('Small').click();
  await expect(page.locator('input[name="variation_id"]')).toHaveValue('311');
  await expect(button).toBeVisible();
  await expect(button).not.toHaveClass(/\bdisabled\b/);
  await expect(form).toHaveCount(0);
  await shot(page, info, 'woo-blocks-variable-2-small-in-stock');

  await pill('Medium').click();
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(button).toBeHidden();

  // Clicking the chosen pill again clears the choice: no variation, WooCommerce's button is back.
  await pill('Medium').click();
  await expect(page.locator('input[name="variation_id"]')).toHaveValue('');
  await expect(button).toBeVisible();
  await expect(form).toHaveCount(0);

  await pill('Large').click();
  await expect(form.getByRole('button', { name: 'Pre-order' })).toBeVisible();
  await expect(button).toBeHidden();
  await form.getByPlaceholder('Email').fill('large@example.com');
  await form.getByRole('button', { name: 'Pre-order' }).click();
  await expect(form.getByRole('status')).toBeVisible();
  await shot(page, info, 'woo-blocks-variable-3-large-preorder');
  const { signups } = await (await request.get('/v1/admin/signups?variantId=313', { headers: auth })).json();
  expect(signups.map((s: { email: string; kind: string }) => [s.email, s.kind])).toEqual([['large@example.com', 'preorder']]);

  await pill('Small').click();
  await expect(button).toBeVisible();
  await expect(form).toHaveCount(0);
  expect(config.count).toBe(1); // every variation came with the first request
});

test("WooCommerce's blockified template: no #product-N, the id comes from body.postid-N, related products are left alone", async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    '120': { productTitle: 'Stoneware Mug', inventory: 0 },
    '121': { productTitle: 'Espresso Cup', inventory: 9 },
    '122': { productTitle: 'Tea Bowl', inventory: 0 },
  });
  await somebodyFirst(request, pk, '120');
  const config = countConfigRequests(page);
  await serve(page, store, '/product/stoneware-mug/', fixture('woocommerce/wc-blockified-template-simple-outofstock.html'), pk);

  await expect(page.locator('.wp-block-add-to-cart-form p.stock.out-of-stock + waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await shot(page, info, 'woo-blockified-1-form');
  await signUp(page, 'mug@example.com');
  expect(await fifo(request, auth, '120')).toEqual([
    ['first-120@example.com', 1],
    ['mug@example.com', 2],
  ]);
  await expect(page.locator('waitline-form')).toHaveCount(1);
  await expect(page.locator('li.post-122 .wc-block-components-product-button__button')).toBeVisible();
  expect(await fifo(request, auth, '122')).toEqual([]);
  expect(config.count).toBe(1);
});
