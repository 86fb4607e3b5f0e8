import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const demoKeys = () => JSON.parse(readFileSync(`${process.env.E2E_DB}.demo-keys.json`, 'utf8')) as { secretKey: string };
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test('suppliers: a purchase order from the dashboard sets the ETA, says where it came from, and receiving restocks', async ({ page, request }, info) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/po-jumper', { headers: auth, data: { productTitle: 'Fisherman Jumper', title: 'Navy', mode: 'preorder', inventory: 0 } });

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Suppliers' }).click();
  await expect(page.getByText('No suppliers yet.')).toBeVisible();
  const form = page.getByRole('form', { name: 'New purchase order' });
  await form.getByLabel('Supplier').fill('Nordic Knits');
  await form.getByLabel('Variant').selectOption('po-jumper');
  await form.getByLabel('Quantity').fill('40');
  await form.getByLabel('Quoted arrival').fill(inDays(20));
  await form.getByRole('button', { name: 'Add purchase order' }).click();
  await expect(page.getByRole('status')).toHaveText(/^Purchase order added\./);
  const card = page.getByRole('article', { name: 'Nordic Knits' });
  await expect(card.getByRole('table', { name: 'Open purchase orders from Nordic Knits' })).toContainText('po-jumper');
  await expect(card).toContainText("No deliveries on record yet, so the shop's default");
  await page.screenshot({ path: info.outputPath('admin-suppliers.png'), fullPage: true });

  // The variant's ETA now comes from the PO, as a range, with its reason.
  await page.getByRole('link', { name: 'Products' }).click();
  const row = page.getByRole('row', { name: /Fisherman Jumper – Navy/ });
  await expect(row).toContainText('From PO: quoted');
  await expect(row.getByLabel('Pre-order limit of po-jumper')).toHaveAttribute('placeholder', '40');
  const variant = (await (await request.get('/v1/admin/variants?limit=500', { headers: auth })).json()).variants.find((v: { id: string }) => v.id === 'po-jumper');
  expect(variant.etaSource.kind).toBe('purchase-order');
  expect(variant.eta.earliest < variant.eta.latest).toBe(true);

  // A CSV import is all or nothing, and names the bad row.
  await page.getByRole('link', { name: 'Suppliers' }).click();
  await page.getByLabel(/^Import purchase orders/).setInputFiles({ name: 'pos.csv', mimeType: 'text/csv', buffer: Buffer.from(`supplier,variant,quantity,quoted_arrival\nNordic Knits,po-jumper,5,${inDays(30)}\nNordic Knits,po-jumper,0,${inDays(31)}\n`) });
  await expect(page.getByRole('status')).toContainText('row 3: quantity');
  await page.getByLabel(/^Import purchase orders/).setInputFiles({ name: 'pos.csv', mimeType: 'text/csv', buffer: Buffer.from(`supplier,variant,quantity,quoted_arrival\nNordic Knits,po-jumper,5,${inDays(30)}\n`) });
  await expect(page.getByRole('status')).toHaveText('Imported 1 purchase order.');
  await expect(card.getByRole('table', { name: 'Open purchase orders from Nordic Knits' }).locator('tbody tr')).toHaveCount(2);

  // Ten arrive early: received, recorded on the supplier, and restocked.
  await card.getByLabel(/^Units received on PO/).first().fill('10');
  await card.getByRole('button', { name: 'Receive' }).first().click();
  await expect(page.getByRole('status')).toHaveText(/^Received 10 on PO #\d+ \(\d+ d early\)/);
  await expect(card.locator('.kpis div', { hasText: 'Deliveries on record' }).locator('dd')).toHaveText('1');
  const after = (await (await request.get('/v1/admin/variants?limit=500', { headers: auth })).json()).variants.find((v: { id: string }) => v.id === 'po-jumper');
  expect(after.inventory).toBe(10);
});
