import { expect, test, type Page } from '@playwright/test';
import { fifo, fixture, serve, shopFor, shot, signUp, somebodyFirst, useStore } from './storefront.ts';

/** Shopify Horizon, the current default theme: its product page (pre-order included) and its collection grid. */
const store = useStore();
const S = '45012345678901';
const M = '45012345678902';
const URL = `/products/merino-crew?variant=${S}`;
const ETA = { earliest: '2027-03-01', latest: '2027-03-10' };
const picker = `<script>${fixture('horizon-variant-picker.js')}</script>`;

const merino = (s: Record<string, unknown>) => ({
  [S]: { productTitle: 'Merino Crew', title: 'S', inventory: 0, eta: ETA, ...s },
  [M]: { productTitle: 'Merino Crew', title: 'M', inventory: 5 },
});

// Horizon marks a sold-out pill aria-disabled, yet it stays choosable; Playwright's checks read that as disabled.
const size = (page: Page, value: string) => page.locator(`variant-picker input[value="${value}"]`).check({ force: true });

/** Quantity fields a shopper can see, the theme's stepper and the pre-order form's own (hidden ones have no role). */
const quantityControls = (page: Page) => page.getByRole('spinbutton').count();

test('Horizon product page: the waitlist form with its ETA takes the button and the dead stepper, both ways', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, merino({}));
  await somebodyFirst(request, pk, S);
  await serve(page, store, URL, fixture('shopify/horizon-product.html'), pk, picker);

  const button = page.locator('button[name="add"]');
  const stepper = page.locator('.quantity-selector-wrapper');
  const form = page.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(form.getByText('Sold out. Get notified when it is back · Expected back Mar 1–Mar 10')).toBeVisible();
  await expect(button).toBeHidden();
  await expect(stepper).toBeHidden();
  expect(await quantityControls(page)).toBe(0);
  await shot(page, info, 'horizon-1-waitlist');

  await signUp(page, 'merino@example.com');
  expect(await fifo(request, auth, S)).toEqual([
    [`first-${S}@example.com`, 1],
    ['merino@example.com', 2],
  ]);

  await size(page, 'M');
  await expect(page).toHaveURL(new RegExp(`variant=${M}`));
  await expect(button).toBeVisible();
  await expect(button).toHaveText('Add to cart');
  await expect(stepper).toBeVisible();
  await expect(form).toHaveCount(0);
  await shot(page, info, 'horizon-2-available');

  await size(page, 'S');
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(button).toBeHidden();
  await expect(stepper).toBeHidden();
});

test('Horizon product page: pre-order shows one quantity control, speaks of the pre-order and its ETA, and gives the stepper back', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, merino({ mode: 'preorder', preorderLimit: 5 }));
  await somebodyFirst(request, pk, S);
  await serve(page, store, URL, fixture('shopify/horizon-product.html'), pk, picker);

  const form = page.locator('waitline-form');
  const stepper = page.locator('.quantity-selector-wrapper');
  await expect(form.getByText('Pre-order, expected Mar 1–Mar 10 · 4 left')).toBeVisible();
  await expect(stepper).toBeHidden();
  expect(await quantityControls(page)).toBe(1);
  await shot(page, info, 'horizon-3-preorder');

  await form.getByPlaceholder('Email').fill('pre@example.com');
  await form.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
  await form.getByRole('button', { name: 'Pre-order' }).click();
  const placed =
    "Pre-order placed: you're #2 in line for the incoming stock, expected Mar 1–Mar 10. We'll message pre@example.com when it's ready for you. Nothing is charged now.";
  await expect(form.getByRole('status')).toHaveText(placed);
  await shot(page, info, 'horizon-4-preordered');
  const { signups } = await (await request.get(`/v1/admin/signups?variantId=${S}`, { headers: auth })).json();
  expect(signups.map((s: { email: string; kind: string; quantity: number; position: number }) => [s.email, s.kind, s.quantity, s.position])).toEqual([
    [`first-${S}@example.com`, 'preorder', 1, 1],
    ['pre@example.com', 'preorder', 2, 2],
  ]);

  await size(page, 'M');
  await expect(page.locator('button[name="add"]')).toBeEnabled();
  await expect(stepper).toBeVisible();
  await expect(form).toHaveCount(0);
  expect(await quantityControls(page)).toBe(1);

  // Back on the sold-out size (and after a reload) the place reads as the pre-order it is.
  await size(page, 'S');
  await expect(form.getByRole('status')).toHaveText(placed);
  await expect(stepper).toBeHidden();
  await page.reload();
  await expect(form.getByRole('status')).toHaveText(placed);
});

test('Horizon product page in French: the pre-order confirmation in French', async ({ page, request }) => {
  const { pk } = await shopFor(request, store, merino({ mode: 'preorder' }));
  await serve(page, store, URL, fixture('shopify/horizon-product.html').replace('<html class="no-js" lang="en">', '<html class="no-js" lang="fr">'), pk, picker);
  const form = page.locator('waitline-form');
  await form.getByPlaceholder('E-mail').fill('fr@example.com');
  await form.getByRole('button', { name: 'Précommander' }).click();
  await expect(form.getByRole('status')).toHaveText(
    'Précommande enregistrée : vous êtes n°1 dans la file pour le prochain arrivage, attendu entre le 1 mars et le 10 mars. Nous écrirons à fr@example.com quand elle sera prête pour vous. Rien n’est débité maintenant.',
  );
});

test('Horizon collection grid: a sold-out choice on a card gets a compact Notify me that opens the form', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    '46012345678901': { productTitle: 'Linen Shirt', inventory: 4 },
    '46012345678902': { productTitle: 'Wool Beanie', inventory: 0 },
    '46012345678911': { productTitle: 'Canvas Sneaker', title: 'Sand', inventory: 3 },
    '46012345678912': { productTitle: 'Canvas Sneaker', title: 'Navy', inventory: 0 },
  });
  await somebodyFirst(request, pk, '46012345678912');
  await serve(page, store, '/collections/winter', fixture('shopify/horizon-collection.html'), pk, picker);

  const sneaker = page.locator('product-card[data-product-id="9112345678903"]');
  const add = sneaker.locator('button.quick-add__button--add');
  await expect(page.getByRole('button', { name: 'Add' })).toHaveCount(1); // the shirt's; the sneaker shows "Choose"
  await page.waitForTimeout(300);
  await expect(page.locator('waitline-form')).toHaveCount(0);

  await sneaker.getByRole('radio', { name: 'Navy' }).check();
  const compact = sneaker.locator('waitline-form').getByRole('button', { name: 'Notify me' });
  await expect(compact).toBeVisible();
  await expect(add).toBeHidden();
  await expect(sneaker.locator('waitline-form').getByPlaceholder('Email')).toHaveCount(0);
  await shot(page, info, 'horizon-5-card-compact');

  await compact.click();
  await expect(sneaker.locator('waitline-form').getByPlaceholder('Email')).toBeFocused();
  await signUp(page, 'sneaker@example.com');
  expect(await fifo(request, auth, '46012345678912')).toEqual([
    ['first-46012345678912@example.com', 1],
    ['sneaker@example.com', 2],
  ]);
  await shot(page, info, 'horizon-6-card-joined');

  await sneaker.getByRole('radio', { name: 'Sand' }).check();
  await expect(add).toBeVisible();
  await expect(add).toBeEnabled();
  await expect(page.locator('waitline-form')).toHaveCount(0);
});

test("Dawn collection grid: the sold-out card's disabled quick-add becomes a compact Notify me, not a full form", async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(request, store, {
    '44112345678901': { productTitle: 'Field Notebook', inventory: 9 },
    '44112345678902': { productTitle: 'Brass Pen', inventory: 0, eta: ETA },
  });
  await somebodyFirst(request, pk, '44112345678902');
  await serve(page, store, '/collections/desk', fixture('shopify/dawn-collection.html'), pk);

  const pen = page.locator('.card-wrapper', { hasText: 'Brass Pen' });
  const form = page.locator('waitline-form');
  await expect(pen.locator('waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(form).toHaveCount(1);
  await expect(form.getByPlaceholder('Email')).toHaveCount(0);
  await expect(pen.locator('button[name="add"]')).toBeHidden();
  await expect(page.locator('.card-wrapper', { hasText: 'Field Notebook' }).getByRole('button', { name: 'Add to cart' })).toBeVisible();
  await shot(page, info, 'dawn-grid-1-compact');

  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByText('Sold out. Get notified when it is back · Expected back Mar 1–Mar 10')).toBeVisible();
  await signUp(page, 'pen@example.com');
  expect(await fifo(request, auth, '44112345678902')).toEqual([
    ['first-44112345678902@example.com', 1],
    ['pen@example.com', 2],
  ]);
});
