import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { fifo, fixture, serve, shopFor, shot, signUp, somebodyFirst, useStore } from './storefront.ts';

/**
 * Headless Shopify: the Hydrogen skeleton's product page (e2e/fixtures/hydrogen) with the merchant's
 * marker on the add-to-cart button, `data-waitline-variant={lines[0]?.merchandiseId}`: a GID.
 * Shopify's webhooks name the same variant by its number; both must land in one line.
 */
const store = useStore();
const S = '44012345678901';
const M = '44012345678902';
const GID_S = `gid://shopify/ProductVariant/${S}`;
const DOMAIN = 'hydrogen-e2e.myshopify.com';
const SECRET = 'hydrogen_e2e_webhook_secret';

test('Hydrogen: a GID marker joins the numeric line, and a Shopify inventory webhook reaches that place', async ({ page, request }, info) => {
  const { pk, auth } = await shopFor(
    request,
    store,
    {
      // Registered the way a Hydrogen merchant has it (the GID), and the way a webhook has it (the number).
      [GID_S]: { productTitle: 'The Ocean Tee', title: 'S', inventory: 0, inventoryItemId: 'gid://shopify/InventoryItem/46012345678901' },
      [M]: { productTitle: 'The Ocean Tee', title: 'M', inventory: 5 },
    },
    { shopify: { domain: DOMAIN, webhookSecret: SECRET } },
  );
  await somebodyFirst(request, pk, S);
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/storefront/config')) asked.push(new URL(r.url()).searchParams.get('variants') ?? '');
  });
  await serve(page, store, '/products/ocean-tee?Size=S', fixture('hydrogen/skeleton-product-soldout.html'), pk, `<script>${fixture('hydrogen/skeleton-variant-switch.js')}</script>`);

  const button = page.locator('button[data-waitline-variant]');
  const form = page.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(button).toBeHidden();
  await expect(button).toHaveAttribute('data-waitline-variant', GID_S); // the page keeps its GID
  expect(asked.join(',').split(',')).toContain(S); // the widget asked by the number
  expect(asked.join(',')).not.toContain('gid:');
  await shot(page, info, 'hydrogen-1-sold-out-form');

  await signUp(page, 'hydrogen@example.com');
  const line = [
    [`first-${S}@example.com`, 1],
    ['hydrogen@example.com', 2],
  ];
  expect(await fifo(request, auth, S)).toEqual(line);
  expect(await fifo(request, auth, GID_S)).toEqual(line);
  const stored = await (await request.get(`/v1/admin/signups?variantId=${S}`, { headers: auth })).json();
  expect(stored.signups.map((s: { variantId: string }) => s.variantId)).toEqual([S, S]);
  await shot(page, info, 'hydrogen-2-joined');

  await page.getByRole('button', { name: 'M', exact: true }).click();
  await expect(page).toHaveURL(/Size=M/);
  await expect(button).toBeVisible();
  await expect(button).toHaveText('Add to cart');
  await expect(form).toHaveCount(0);
  // shot() looks for a widget or a theme button it knows; here the store's own button is the subject.
  await page.screenshot({ path: info.outputPath('hydrogen-3-available-button-back.png') });

  await page.getByRole('button', { name: 'S', exact: true }).click();
  await expect(form.getByRole('status')).toHaveText(/^You're #2 in line/);
  await expect(button).toBeHidden();

  // Shopify restocks the item: inventory_levels/update names the numeric inventory item, never a GID.
  const body = JSON.stringify({ inventory_item_id: 46012345678901, location_id: 71234567890, available: 2, updated_at: '2026-11-30T06:00:00Z', admin_graphql_api_id: 'gid://shopify/InventoryLevel/71234567890?inventory_item_id=46012345678901' });
  const hook = await request.post('/webhooks/shopify', {
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'inventory_levels/update',
      'x-shopify-shop-domain': DOMAIN,
      'x-shopify-webhook-id': `hydrogen-e2e-${Date.now()}`,
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(body, 'utf8').digest('base64'),
    },
    data: body,
  });
  expect(hook.status()).toBe(200);
  await expect
    .poll(async () => (await (await request.get(`/v1/admin/signups?variantId=${S}`, { headers: auth })).json()).signups.map((s: { email: string; status: string }) => [s.email, s.status]), { timeout: 10_000 })
    .toEqual([
      [`first-${S}@example.com`, 'offered'],
      ['hydrogen@example.com', 'offered'],
    ]);
});
