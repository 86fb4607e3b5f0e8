import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const demoKeys = () => JSON.parse(readFileSync(`${process.env.E2E_DB}.demo-keys.json`, 'utf8')) as { secretKey: string; publishableKey: string };

test('the dashboard: one-click sign-in, the outbox rendered as sent, the escalation inbox', async ({ page, request }, info) => {
  const { secretKey, publishableKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  // Its own variant, so the other specs' queues on the demo store stay as they expect.
  await request.put('/v1/admin/variants/dash-lamp', { headers: auth, data: { productTitle: 'Desk Lamp', title: 'Brass', inventory: 0 } });
  await request.post('/v1/storefront/signups', { data: { key: publishableKey, variantId: 'dash-lamp', email: 'dash@example.com' } });
  await request.post('/v1/admin/orders', {
    headers: auth,
    data: { id: 'dash-big', email: 'big@example.com', currency: 'USD', total: 90_000, lineItems: [{ variantId: 'dash-lamp', quantity: 5, price: 18_000 }] },
  });

  // Without the key there is nothing but the sign-in form.
  await page.goto('/admin');
  await expect(page.getByLabel('Shop secret key')).toBeVisible();
  await page.getByLabel('Shop secret key').fill('sk_wrong_key_123456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That secret key was not accepted.');

  await page.goto(`/admin#key=${secretKey}`);
  await expect(page).toHaveURL(/\/admin$/); // the key leaves the address bar

  // The overview: the funnel for the period, as the API counts it.
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const funnel = await (await request.get('/v1/admin/analytics/funnel', { headers: auth })).json();
  await expect(page.getByRole('row', { name: /^Signups/ })).toContainText(String(funnel.signups));
  await expect(page.getByText('Conversion (purchased / offered)')).toBeVisible();
  await page.screenshot({ path: info.outputPath('admin-overview.png') });

  // Products: inline edits, and an ETA change that says first whom it will tell.
  await page.getByRole('link', { name: 'Products' }).click();
  const lamp = page.getByRole('row', { name: /Desk Lamp – Brass/ });
  await expect(lamp).toContainText('dash-lamp');
  await lamp.getByLabel('Pre-order limit of dash-lamp').fill('25');
  await lamp.getByLabel('Pre-order limit of dash-lamp').press('Tab');
  await expect(lamp).toContainText('25 left');
  await lamp.getByRole('button', { name: 'Change' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the ETA' });
  await expect(dialog).toContainText('1 customer (pre-orders and backorders) will be told of the change.');
  await dialog.getByLabel('Earliest').fill('2027-01-10');
  await dialog.getByLabel('Latest').fill('2027-01-20');
  await dialog.getByLabel('Reason (told to customers)').fill('The factory moved the shipment');
  await dialog.getByRole('button', { name: 'Change and notify' }).click();
  await expect(lamp).toContainText('2027-01-10 – 2027-01-20');
  const told = await (await request.get('/v1/admin/messages?to=big@example.com&template=eta-changed', { headers: auth })).json();
  expect(told.messages).toHaveLength(1);
  expect(told.messages[0].text).toContain('Why: The factory moved the shipment');
  await page.screenshot({ path: info.outputPath('admin-products.png') });

  // The line of a variant: masked contacts, and a move that must be explained.
  await request.post('/v1/storefront/signups', { data: { key: publishableKey, variantId: 'dash-lamp', email: 'second@example.com' } });
  await lamp.getByRole('button', { name: 'Queue of dash-lamp' }).click();
  const queue = page.getByRole('region', { name: 'Queue of dash-lamp' });
  await expect(queue.getByRole('row', { name: /^1 d•••@example\.com/ })).toBeVisible();
  page.once('dialog', (d) => d.accept('Promised by support'));
  await queue.getByRole('row', { name: /s•••@example\.com/ }).getByRole('button', { name: 'Move to front' }).click();
  await expect(queue.getByRole('row', { name: /^1 s•••@example\.com/ })).toBeVisible();
  const log = await (await request.get('/v1/admin/queue-actions?variantId=dash-lamp', { headers: auth })).json();
  expect(log.actions.map((a: { action: string; reason: string }) => [a.action, a.reason])).toEqual([['move_to_front', 'Promised by support']]);
  await page.screenshot({ path: info.outputPath('admin-queue.png') });
  await queue.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('link', { name: 'Messages' }).click();
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await page.getByPlaceholder('Recipient').fill('dash@example.com');
  await page.getByPlaceholder('Recipient').press('Enter');
  await page.getByRole('row', { name: /dash@example\.com/ }).first().click();
  const preview = page.getByRole('article', { name: 'Message preview' });
  await expect(preview.getByRole('heading', { level: 3 })).toHaveText("You're #1 in line for Desk Lamp – Brass");
  await expect(preview).toContainText('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  const frame = page.frameLocator('iframe[title="HTML part"]');
  await expect(frame.getByRole('heading', { name: "You're on the list" })).toBeVisible();
  await page.screenshot({ path: info.outputPath('admin-messages.png') });

  await page.getByRole('link', { name: 'Escalations' }).click();
  // The ETA beyond 30 days opened a 'Long wait' case for the same order too.
  await expect(page.locator('article.card', { hasText: 'Long wait · order dash-big' })).toBeVisible();
  const card = page.locator('article.card', { hasText: 'Large order · order dash-big' });
  await expect(card).toContainText('Recommended: Reach out personally');
  await card.getByLabel('Resolution note').fill('Called the customer');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.locator('article.card', { hasText: 'Large order · order dash-big' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Resolved' }).click();
  await expect(page.locator('article.card', { hasText: 'Large order · order dash-big' })).toContainText('Resolved: Called the customer');
  await page.screenshot({ path: info.outputPath('admin-escalations.png') });

  // Settings: a bad value is refused with the API's message; a good one is kept.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Hold duration (ISO 8601, e.g. PT24H)').fill('24 hours');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText(/^holdDuration must be an ISO 8601 duration/);
  await page.getByLabel('Hold duration (ISO 8601, e.g. PT24H)').fill('PT12H');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  expect((await (await request.get('/v1/admin/settings', { headers: auth })).json()).settings.holdDuration).toBe('PT12H');
  await expect(page.locator('pre', { hasText: 'data-key' })).toContainText(`data-key="${publishableKey}"`);
  await page.screenshot({ path: info.outputPath('admin-settings.png') });
});
