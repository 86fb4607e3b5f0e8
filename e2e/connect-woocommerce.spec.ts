import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { client, killed, ROOT, serverEnv, startServer } from '../test/child-server.ts';
import { generateWooCatalog, startWooCommerceStub, type WooCommerceStub } from '../test/stubs/woocommerce-stub.ts';

/**
 * A merchant connects a WooCommerce store from the dashboard's Connect page,
 * in real Chromium, against the stub answering like /wp-json/wc/v3
 * (test/stubs/woocommerce-stub.ts): a refused secret first, then the checklist
 * filling in as the catalog comes over. The stub listens on loopback, which
 * the address guard refuses in production: this server allows it
 * (WAITLINE_ALLOW_PRIVATE_WEBHOOKS), as only a test does.
 */

const KEY = 'ck_e2e0123456789abcdef0123456789abcdef0123';
const SECRET = 'cs_e2e0123456789abcdef0123456789abcdef0123';

let stub: WooCommerceStub;
let server: ChildProcess;
let dir: string;
let base: string;
let shop: { sk: string };

test.describe.configure({ mode: 'serial', timeout: 90_000 });

test.beforeAll(async () => {
  stub = await startWooCommerceStub({ consumerKey: KEY, consumerSecret: SECRET, name: 'Linen Goods' });
  // 30 products, half of them variable with 3 variations: two pages of the import.
  stub.products = generateWooCatalog(30, 3);
  dir = mkdtempSync(join(tmpdir(), 'waitline-connect-woo-'));
  const env = await serverEnv(join(dir, 'waitline.db'), 'http://127.0.0.1:9', { RESEND_API_KEY: '', WAITLINE_ALLOW_PRIVATE_WEBHOOKS: '1' });
  server = await startServer(env, 60_000);
  base = env.PUBLIC_URL!;
  const created = await client(env).api('/v1/shops', { method: 'POST', token: ROOT, body: { name: 'Linen Goods', settings: { sender: { email: 'shop@linen.example' } } } });
  expect(created.status).toBe(201);
  shop = { sk: created.body.secretKey };
});

test.afterAll(async () => {
  if (server) await killed(server);
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openWooForm(page: Page) {
  await page.goto(`${base}/admin#key=${shop.sk}`);
  await page.getByRole('navigation').getByRole('link', { name: 'Connect' }).click();
  await page.getByRole('radio', { name: 'WooCommerce' }).check();
  await expect(page.getByRole('heading', { name: 'Connect WooCommerce' })).toBeVisible();
}

async function fill(page: Page, secret: string) {
  await page.getByLabel('Store address').fill(stub.url);
  await page.getByLabel('Consumer key').fill(KEY);
  await page.getByLabel('Consumer secret').fill(secret);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

const line = (page: Page, label: string) => page.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });
const variantsIn = (catalog: WooCommerceStub['products']) => catalog.reduce((n, p) => n + (p.type === 'variable' ? p.variations.length : 1), 0);

test('a wrong consumer secret: WooCommerce’s refusal in an alert, nothing connected', async ({ page }, info) => {
  await openWooForm(page);
  await fill(page, `cs_${'0'.repeat(40)}`);
  await expect(page.getByRole('alert')).toContainText('WooCommerce refused these credentials');
  await expect(page.getByLabel('Store address')).toHaveValue(stub.url);
  await page.screenshot({ path: info.outputPath('connect-woo-refused.png') });
  expect(stub.webhooks).toEqual([]);
});

test('the right key: webhooks registered, origin allowed, every variant imported', async ({ page }, info) => {
  await openWooForm(page);
  await fill(page, SECRET);
  await expect(page.getByRole('heading', { name: `WooCommerce: ${stub.url}` })).toBeVisible();
  await expect(line(page, 'Credentials verified')).toContainText('REST API key');
  const catalog = line(page, 'Catalog imported');
  await expect(catalog).toContainText(`${stub.products.length} products, ${variantsIn(stub.products)} variants`, { timeout: 30_000 });
  await expect(catalog).toContainText('(done)');
  const webhooks = line(page, 'Webhooks registered');
  for (const topic of ['order.created', 'order.updated', 'product.updated']) await expect(webhooks.getByText(topic, { exact: true })).toBeVisible();
  await expect(line(page, 'Storefront origins allowed')).toContainText(new URL(stub.url).origin);
  await expect(line(page, 'Held units reserved on the store')).toContainText('taken out of WooCommerce');
  await page.screenshot({ path: info.outputPath('connect-woo-checklist.png'), fullPage: true });
  expect(stub.webhooks.map((w) => w.delivery_url)).toEqual([`${base}/webhooks/woocommerce`, `${base}/webhooks/woocommerce`, `${base}/webhooks/woocommerce`]);
});
