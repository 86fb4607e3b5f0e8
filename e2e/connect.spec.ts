import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { client, killed, ROOT, serverEnv, startServer } from '../test/child-server.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../test/stubs/shopify-stub.ts';
import { fixture } from './storefront.ts';

/**
 * A merchant connects a Shopify store from the dashboard's Connect page, in
 * real Chromium, against the stub answering like the Admin API
 * (test/stubs/shopify-stub.ts): a refused secret first, then the checklist
 * filling in, through to the widget seen on the store's own origin.
 *
 * The spec runs its own server: the shared webServer starts before any stub
 * exists, so it cannot be pointed at one (SHOPIFY_API_ORIGIN is read at start).
 */

const STORE = 'stub-store.myshopify.com';
const STOREFRONT = `https://${STORE}`;
/** 4 products of 3 variants: two pages of the import (PRODUCTS_PER_PAGE is 3), so there is progress to watch. */
const CATALOG = generateCatalog(12, 3);
const VARIANTS = CATALOG.reduce((n, p) => n + p.variants.length, 0);

let stub: ShopifyStub;
let server: ChildProcess;
let dir: string;
let base: string;
let shop: { sk: string; pk: string };

test.describe.configure({ mode: 'serial', timeout: 90_000 });
// The storefront page below is public (https://stub-store.myshopify.com) and the API is on loopback, as only a
// test has it: Chromium asks before a public page reaches the local network, and a merchant's API is never local.
test.use({ permissions: ['local-network-access'] });

test.beforeAll(async () => {
  // The stub also takes a pasted admin token; this spec connects by the client-credentials grant only.
  stub = await startShopifyStub('shpat_unused_in_this_spec');
  stub.products = CATALOG;
  // A bucket just over one page's requested cost (920) that refills slowly: however fast the first page
  // comes, it leaves the bucket short (a page costs 47), so the second waits about two seconds for it, as
  // a big store's import waits on Shopify, and the page shows the import midway.
  // https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
  stub.throttle = { maximumAvailable: 940, currentlyAvailable: 940, restoreRate: 15 };
  dir = mkdtempSync(join(tmpdir(), 'waitline-connect-'));
  // No Resend key: messages go to the outbox, so the Resend address is never called.
  const env = await serverEnv(join(dir, 'waitline.db'), 'http://127.0.0.1:9', { SHOPIFY_API_ORIGIN: stub.url, RESEND_API_KEY: '' });
  server = await startServer(env, 60_000);
  base = env.PUBLIC_URL!;
  const created = await client(env).api('/v1/shops', { method: 'POST', token: ROOT, body: { name: 'Stub Store', settings: { sender: { email: 'shop@stub-store.example' } } } });
  expect(created.status).toBe(201);
  shop = { sk: created.body.secretKey, pk: created.body.publishableKey };
});

test.afterAll(async () => {
  if (server) await killed(server);
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The shop's connections as the API lists them. */
async function connections() {
  const res = await fetch(`${base}/v1/admin/connections`, { headers: { authorization: `Bearer ${shop.sk}` } });
  return (await res.json()) as { connections: unknown[]; widget: { seen: Array<{ origin: string; allowed: boolean }> } };
}

async function openConnect(page: Page) {
  await page.goto(`${base}/admin#key=${shop.sk}`);
  await page.getByRole('navigation').getByRole('link', { name: 'Connect' }).click();
  await expect(page).toHaveURL(`${base}/admin/connect`);
  await expect(page.getByRole('heading', { name: 'Connect Shopify' })).toBeVisible();
}

async function fillClientCredentials(page: Page, secret: string) {
  await page.getByLabel('Store domain').fill(STORE);
  await page.getByRole('radio', { name: /client ID and secret/ }).check();
  await page.getByLabel('Client ID', { exact: true }).fill(stub.client.id);
  await page.getByLabel('Client secret', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

/** A checklist line by its label; a done line says so to screen readers. */
const line = (page: Page, label: string) => page.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });

test('a wrong client secret: Shopify’s refusal in an alert, the form stays, nothing connected', async ({ page }, info) => {
  await openConnect(page);
  await fillClientCredentials(page, 'not-the-stub-client-secret');
  await expect(page.getByRole('alert')).toContainText('Shopify refused these credentials');
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
  await expect(page.getByLabel('Store domain')).toHaveValue(STORE);
  await page.screenshot({ path: info.outputPath('connect-refused.png') });
  expect(await connections()).toEqual({ connections: [], widget: { seen: [] } });
  expect(stub.webhooks).toEqual([]);
});

test('client credentials: the checklist fills in, the catalog import shows its progress, and the widget is seen on the store', async ({ page, context }, info) => {
  await openConnect(page);
  await fillClientCredentials(page, stub.client.secret);

  await expect(page.getByRole('heading', { name: `Shopify: ${STORE}` })).toBeVisible();
  await expect(line(page, 'Credentials verified')).toContainText('(done)');
  await expect(line(page, 'Credentials verified')).toContainText('Client credentials');
  // Midway, from the progress stream: the first page in (PRODUCTS_PER_PAGE is 3), a bar for the rest. The page
  // reads the list once, so reaching "done" without a reload is the stream's doing too.
  const catalog = line(page, 'Catalog imported');
  await expect(catalog.getByRole('progressbar', { name: 'Catalog import' })).toBeVisible();
  // The connect's own calls leave the bucket short of the first page too: it may wait a few seconds.
  await expect(catalog).toContainText(`3 products, 9 variants of ${VARIANTS}`, { timeout: 15_000 });
  await expect(catalog.getByRole('progressbar')).toHaveAttribute('value', '9');
  await expect(catalog).toContainText(`${CATALOG.length} products, ${VARIANTS} variants of ${VARIANTS}`, { timeout: 30_000 });
  await expect(catalog).toContainText('(done)');
  await expect(catalog.getByRole('progressbar')).toHaveCount(0);
  const webhooks = line(page, 'Webhooks registered');
  for (const topic of ['app/uninstalled', 'fulfillments/create', 'inventory_levels/update', 'orders/cancelled', 'orders/create', 'products/update', 'refunds/create']) {
    await expect(webhooks.getByText(topic, { exact: true })).toBeVisible();
  }
  await expect(webhooks).toContainText('(done)');
  await expect(line(page, 'Storefront origins allowed')).toContainText(`${STOREFRONT}, https://shop.example.com`);
  await expect(line(page, 'Storefront origins allowed')).toContainText('(done)');
  await expect(line(page, 'Held units reserved on the store')).toContainText('Nothing held right now.');
  await expect(line(page, 'Held units reserved on the store')).toContainText('(done)');
  const widget = line(page, 'Widget seen on the storefront');
  await expect(widget).toContainText(`Not seen yet. Paste the widget tag into your theme (Settings → Install and keys), then open a product page on ${STOREFRONT}.`);
  await page.screenshot({ path: info.outputPath('connect-checklist.png'), fullPage: true });

  // The merchant pastes the tag into the theme and opens a product page the import brought in, in another tab.
  const product = CATALOG[0]!;
  const soldOut = product.variants.find((v) => v.inventoryQuantity === 0)!;
  const storefront = await context.newPage();
  await serveProductPage(storefront, `/products/${product.handle}?variant=${soldOut.id}`, product.id, [soldOut.id, product.variants[1]!.id]);
  const form = storefront.locator('waitline-form');
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await storefront.screenshot({ path: info.outputPath('connect-storefront.png') });

  // The sighting is written beside the config answer, not before it: reload until it is in.
  await expect(async () => {
    await page.reload();
    await expect(widget).toContainText(new RegExp(`Widget seen on ${STOREFRONT.replace(/\./g, '\\.')} (just now|\\d+ seconds? ago)`), { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(widget).toContainText('(done)');
  await page.screenshot({ path: info.outputPath('connect-widget-seen.png'), fullPage: true });
  expect((await connections()).widget.seen).toMatchObject([{ origin: STOREFRONT, allowed: true }]);
});

/**
 * Horizon's product page (e2e/fixtures/shopify) with its product and two variants renumbered to ones the import
 * created, served at https://stub-store.myshopify.com by page.route, with the widget tag as a merchant pastes it.
 * Only the page and the Waitline server answer; the theme's other assets are aborted.
 */
async function serveProductPage(page: Page, path: string, productId: string, [first, second]: string[]) {
  const html = fixture('shopify/horizon-product.html')
    .replaceAll('45012345678901', first!)
    .replaceAll('45012345678902', second!)
    .replaceAll('9012345678901', productId)
    .replace('</body>', `<script src="${base}/widget.js" data-key="${shop.pk}" defer></script></body>`);
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === base) return route.continue();
    if (url.origin === STOREFRONT && url.pathname === path.split('?')[0]) return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
    return route.abort();
  });
  await page.goto(`${STOREFRONT}${path}`);
}
