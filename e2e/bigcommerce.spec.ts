import { expect, test, type Page } from '@playwright/test';
import { fifo, fixture, serve, shopFor, shot, signUp, somebodyFirst, useStore } from './storefront.ts';

/**
 * BigCommerce Cornerstone: the page names no variant, the store's answer to the
 * theme's product-attributes request does. Each answer has the shape of a
 * captured one (data: sku, instock, purchasable, in_stock_attributes,
 * selected_attributes, variantId, v3_variant_id…); the request body says which
 * Size was chosen, as it does for the store.
 */
interface Sku {
  sku: string;
  v3: number;
  v2: number | null;
  instock: boolean;
}
const HOODIE: Record<string, Sku> = {
  '201': { sku: 'HOOD-S', v3: 412, v2: 88, instock: false },
  '202': { sku: 'HOOD-M', v3: 413, v2: 89, instock: true },
  '203': { sku: 'HOOD-L', v3: 414, v2: 90, instock: false },
};
const TOTE: Sku = { sku: 'TOTE-01', v3: 177, v2: null, instock: false };

function answer(s: Sku, options: Record<string, number>, inStock: number[]) {
  const data = {
    sku: s.sku, upc: null, mpn: null, gtin: null, weight: null, base: !Object.keys(options).length, image: null,
    price: { without_tax: { formatted: '$48.00', value: 48, currency: 'USD' }, tax_label: 'Tax' },
    out_of_stock_behavior: 'label_option', out_of_stock_message: 'Out of stock', available_modifier_values: [],
    available_variant_values: Object.keys(HOODIE).map(Number), in_stock_attributes: inStock, selected_attributes: options,
    stock: null, available_to_sell: s.instock ? 5 : 0, available_on_hand: s.instock ? 5 : 0, available_for_backorder: 0,
    instock: s.instock, stock_message: s.instock ? null : 'Out of stock', purchasable: true, purchasing_message: null,
    call_for_price_message: null, variantId: s.v2, v3_variant_id: s.v3,
  };
  return JSON.stringify({ data, content: '' });
}

const store = useStore({
  '/remote/v1/product-attributes/112': () => answer(TOTE, {}, []),
  '/remote/v1/product-attributes/130': (body) => {
    const size = new URLSearchParams(body).get('attribute[118]') ?? '';
    return answer(HOODIE[size]!, { 118: Number(size) }, [202]);
  },
  '/remote/v1/cart/add': () => JSON.stringify({ data: { cart_id: 'c1', cart_item: { id: 'i1' } } }),
});

/** Cornerstone's bundle, run by the page's own stencilBootstrap call. */
const theme = (page: Page) => page.addInitScript({ content: fixture('bigcommerce/cornerstone-product-details.js') });

function count(page: Page, path: string) {
  const seen = { n: 0 };
  page.on('request', (r) => new URL(r.url()).pathname.startsWith(path) && seen.n++);
  return seen;
}

test('Cornerstone without options: keyed by its base variant, never by the product id', async ({ page, request }, info) => {
  // 112 is the tote's product id and, on the same store, an in-stock variant of something else.
  const { pk, auth } = await shopFor(request, store, {
    '177': { productTitle: 'Canvas Tote', inventory: 0 },
    '112': { productTitle: 'Espresso Cup', title: 'White', inventory: 5 },
  });
  await somebodyFirst(request, pk, '177');
  await theme(page);
  await serve(page, store, '/tote/', fixture('bigcommerce/cornerstone-simple-outofstock-after-js.html'), pk);
  await expect(page.locator('waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(page.locator('#form-action-addToCart')).toBeHidden();
  await shot(page, info, 'bigcommerce-1-form');
  await signUp(page, 'bc@example.com');
  expect(await fifo(request, auth, '177')).toEqual([
    ['first-177@example.com', 1],
    ['bc@example.com', 2],
  ]);
  expect(await fifo(request, auth, '112')).toEqual([]);
  await shot(page, info, 'bigcommerce-2-joined');
});

test('Cornerstone Size: a sold-out SKU blocks only itself, both ways, and L takes pre-orders', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    '412': { productTitle: 'Harbor Hoodie', title: 'S', inventory: 0 },
    '413': { productTitle: 'Harbor Hoodie', title: 'M', inventory: 5 },
    '414': { productTitle: 'Harbor Hoodie', title: 'L', inventory: 0, mode: 'preorder', preorderLimit: 3 },
  });
  await somebodyFirst(request, pk, '412');
  const configs = count(page, '/v1/storefront/config');
  const asks = count(page, '/remote/v1/product-attributes/');
  await theme(page);
  await serve(page, store, '/harbor-hoodie/', fixture('bigcommerce/cornerstone-size-one-sku-sold-out.html'), pk);
  const button = page.locator('#form-action-addToCart');
  const form = page.locator('waitline-form');
  const size = (value: number) => page.locator(`label[for="attribute_rectangle__118_${value}"]`).click();

  // S, the default, is sold out.
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(button).toBeHidden();
  await shot(page, info, 'bigcommerce-size-1-s-sold-out');
  await signUp(page, 'hoodie@example.com');
  expect(await fifo(request, auth, '412')).toEqual([
    ['first-412@example.com', 1],
    ['hoodie@example.com', 2],
  ]);

  // M is in stock: the store's own button is back and adds M to the cart.
  await size(202);
  await expect(button).toBeVisible();
  await expect(button).toBeEnabled();
  await expect(form).toHaveCount(0);
  await shot(page, info, 'bigcommerce-size-2-m-available');
  const [add] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/remote/v1/cart/add')), button.click()]);
  expect(add.postData()).toMatch(/name="attribute\[118\]"\r\n\r\n202\r\n/);

  // L is sold out and takes pre-orders.
  await size(203);
  await expect(form.getByRole('button', { name: 'Pre-order' })).toBeVisible();
  await expect(button).toBeHidden();
  await shot(page, info, 'bigcommerce-size-3-l-preorder');

  // Back to S: still second in line.
  await size(201);
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(button).toBeHidden();
  await shot(page, info, 'bigcommerce-size-4-s-again');

  // The store got the theme's requests only (on load, then one per change); the config was asked once per variant met.
  expect(asks.n).toBe(4);
  expect(configs.n).toBe(3);
});
