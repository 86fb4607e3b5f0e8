import { expect, test } from '@playwright/test';

const ROOT = { authorization: 'Bearer e2e-root-token' };
const OWNER = 'owner@copy-shop.example';

test('messages copy: edit a subject, see it in the preview, a dropped placeholder is named, save, reload, send a test', async ({ page, request }, info) => {
  // A shop of its own, with a sender address of its own, so a test send is allowed and the demo shop's copy stays as other specs expect.
  const created = await request.post('/v1/shops', { headers: ROOT, data: { name: 'Copy Shop', settings: { sender: { name: 'Copy Shop', email: OWNER, address: '1 Quay' } } } });
  expect(created.status()).toBe(201);
  const { secretKey } = (await created.json()) as { secretKey: string };
  const auth = { authorization: `Bearer ${secretKey}` };

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Edit messages copy' }).click();
  await expect(page.getByRole('heading', { name: 'Messages copy' })).toBeVisible();
  await page.getByLabel('Template').selectOption('offer');
  const subject = page.getByTestId('preview-subject');
  await expect(subject).toHaveText(/^It's back: Ocean Tee/);

  const field = page.getByLabel('Subject – restock', { exact: true });
  await expect(field).toHaveAttribute('placeholder', "It's back: {item} is held for you until {time}");
  await field.fill('Good news: {item} is yours until {time}');
  await expect(subject).toHaveText(/^Good news: Ocean Tee/);
  await expect(page.frameLocator('iframe[title="Email preview"]').locator('body')).toContainText('Copy Shop');
  await expect(page.getByTestId('preview-sms')).toContainText('Copy Shop');

  // Dropping {time}: the server's refusal is shown beside the field, and the preview keeps the last good render.
  await field.fill('Good news: {item} is back');
  await expect(page.locator('.copy-field', { has: field }).getByRole('alert')).toHaveText('must keep {time}');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await field.fill('Good news: {item} is yours until {time}');
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('tab', { name: 'Phone' }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  // Nothing wider than the screen: no sideways scroll at phone width.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: info.outputPath('copy-editor-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const saved = await (await request.get('/v1/admin/settings', { headers: auth })).json();
  expect(saved.settings.strings).toEqual({ en: { 'offer.subject.restock': 'Good news: {item} is yours until {time}' } });

  await page.reload();
  await page.getByLabel('Template').selectOption('offer');
  await expect(page.getByLabel('Subject – restock', { exact: true })).toHaveValue('Good news: {item} is yours until {time}');
  await expect(page.getByTestId('preview-subject')).toHaveText(/^Good news: Ocean Tee/);
  await page.screenshot({ path: info.outputPath('copy-editor.png'), fullPage: true });

  await page.getByRole('button', { name: 'Send me a test' }).click();
  await expect(page.getByRole('status')).toHaveText(`Sent to ${OWNER}.`);
  // The dispatcher sends it through the outbox (no provider in e2e): listed to the sender's own address only.
  await expect(async () => {
    const { messages } = await (await request.get('/v1/admin/messages?template=test:offer', { headers: auth })).json();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: OWNER, status: 'sent' });
    expect(messages[0].subject).toMatch(/^\[Test\] Good news: Ocean Tee/);
  }).toPass({ timeout: 10_000 });
});
