import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';

const CSV = { 'content-type': 'text/csv' };
const demoKeys = () => JSON.parse(readFileSync(`${process.env.E2E_DB}.demo-keys.json`, 'utf8')) as { secretKey: string; publishableKey: string };

test('a wrong key shows no data, in the page or through the API', async ({ page, request }, info) => {
  let dataCalls = 0;
  page.on('response', (r) => r.url().includes('/v1/admin/') && r.status() === 200 && dataCalls++);
  await page.goto('/admin');
  await expect(page.getByLabel('Shop secret key')).toBeVisible();
  await page.getByLabel('Shop secret key').fill('sk_wrong_key_123456');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That secret key was not accepted.');
  // A wrong key in the one-click link is dropped too: back to the form, no page of data.
  await page.goto('/admin#key=sk_not_this_shop_000000');
  await expect(page.getByLabel('Shop secret key')).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  expect(dataCalls).toBe(0);
  expect((await request.get('/v1/admin/analytics/funnel', { headers: { authorization: 'Bearer sk_wrong_key_123456' } })).status()).toBe(401);
  await page.screenshot({ path: info.outputPath('admin-signin-refused.png') });
});

test('a new install: the sign-in page creates a shop with the root token, shows its key once, and opens its dashboard', async ({ page }) => {
  await page.goto('/admin');
  await page.getByText('New install? Create a shop with the root token').click();
  await page.getByLabel('Shop name').fill('Fresh Goods');
  await page.getByLabel('Root token (WAITLINE_ADMIN_TOKEN)').fill('not-the-root-token');
  await page.getByRole('button', { name: 'Create the shop' }).click();
  await expect(page.getByRole('alert')).toHaveText('That root token was not accepted.');
  await page.getByLabel('Root token (WAITLINE_ADMIN_TOKEN)').fill('e2e-root-token');
  await page.getByRole('button', { name: 'Create the shop' }).click();
  const created = page.getByRole('region', { name: 'Shop created' });
  await expect(created.getByRole('heading')).toHaveText('Fresh Goods is ready');
  await expect(created).toContainText(/sk_\S+/);
  await created.getByRole('button', { name: 'I have kept it: open the dashboard' }).click();
  await expect(page.getByRole('navigation')).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Fresh Goods');
  // The root token was sent once and is kept nowhere in the browser.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  expect(stored).not.toContain('e2e-root-token');
});

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

  await page.goto(`/admin#key=${secretKey}`);
  await expect(page).toHaveURL(/\/admin$/); // the key leaves the address bar

  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  // Products: inline edits, and an ETA change that says first whom it will tell.
  await page.getByRole('link', { name: 'Products' }).click();
  const lamp = page.getByRole('row', { name: /Desk Lamp – Brass/ });
  await expect(lamp).toContainText('dash-lamp');
  await lamp.getByLabel('Pre-order limit of dash-lamp').fill('25');
  await lamp.getByLabel('Pre-order limit of dash-lamp').press('Tab');
  await expect(lamp).toContainText('25 left');
  // A real modal: it takes focus, and Escape closes it.
  await lamp.getByRole('button', { name: 'Change' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the ETA' });
  await expect(dialog.getByLabel('Earliest')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await lamp.getByRole('button', { name: 'Change' }).click();
  await expect(dialog).toContainText('1 customer (pre-orders and backorders) will be told of the change.');
  await dialog.getByLabel('Earliest').fill('2027-01-10');
  await dialog.getByLabel('Latest').fill('2027-01-20');
  await dialog.getByLabel('Reason (told to customers)').fill('The factory moved the shipment');
  await dialog.getByRole('button', { name: 'Change and notify' }).click();
  await expect(lamp).toContainText('Jan 10, 2027 – Jan 20, 2027');
  const told = await (await request.get('/v1/admin/messages?to=big@example.com&template=eta-changed', { headers: auth })).json();
  expect(told.messages).toHaveLength(1);
  expect(told.messages[0].text).toContain('Why: The factory moved the shipment');
  await page.screenshot({ path: info.outputPath('admin-products.png') });

  // The line of a variant: masked contacts, and a move that must be explained.
  await request.post('/v1/storefront/signups', { data: { key: publishableKey, variantId: 'dash-lamp', email: 'second@example.com' } });
  await lamp.getByRole('button', { name: 'View line for Desk Lamp – Brass' }).click();
  const queue = page.getByRole('region', { name: 'Line for Desk Lamp – Brass' });
  await expect(queue.getByRole('row', { name: /^1 d•••@example\.com/ })).toBeVisible();
  await queue.getByRole('row', { name: /s•••@example\.com/ }).getByRole('button', { name: 'Move to front' }).click();
  const why = page.getByRole('dialog', { name: 'Move s•••@example.com to the front' });
  await expect(why.getByLabel('Why? (kept in the log)')).toBeFocused();
  await why.getByLabel('Why? (kept in the log)').fill('Promised by support');
  await why.getByRole('button', { name: 'Move to front' }).click();
  await expect(why).toBeHidden();
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
});

test("previewing an offer in the dashboard is not the shopper's open", async ({ page, request }) => {
  const { secretKey, publishableKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/dash-preview', { headers: auth, data: { productTitle: 'Clay Mug', title: 'Blue', inventory: 0 } });
  await request.post('/v1/storefront/signups', { data: { key: publishableKey, variantId: 'dash-preview', email: 'peek@example.com' } });
  await request.post('/v1/admin/variants/dash-preview/inventory', { headers: auth, data: { adjust: 1 } });
  const offer = async () => (await (await request.get('/v1/admin/messages?to=peek@example.com&template=offer', { headers: auth })).json()).messages[0];
  await expect.poll(async () => (await offer())?.status).toBe('sent');
  expect((await offer()).html).toContain('/t/o/'); // as sent, it is tracked

  // Every request the dashboard makes that would track: none may reach /t/o (open) or /t/c (click).
  const tracked: string[] = [];
  page.on('request', (r) => /\/t\/[oc]\//.test(r.url()) && tracked.push(r.url()));
  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Messages' }).click();
  await page.getByPlaceholder('Recipient').fill('peek@example.com');
  await page.getByPlaceholder('Recipient').press('Enter');
  await page.getByRole('row', { name: /It is your turn|Clay Mug/ }).first().click();
  const frame = page.frameLocator('iframe[title="HTML part"]');
  await expect(frame.getByRole('heading', { name: 'It is your turn' })).toBeVisible();
  // The preview's images have loaded or failed (not networkidle: the dashboard keeps polling).
  await frame.locator('img').evaluateAll((imgs) => Promise.all(imgs.map((i) => (i as HTMLImageElement).complete || new Promise((done) => (i.addEventListener('load', done), i.addEventListener('error', done))))));
  expect(tracked).toEqual([]);
  expect(await offer()).toMatchObject({ openedAt: null, clickedAt: null });
});

test('stock below zero says how many units are owed to backorders', async ({ page, request }) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/dash-owed', { headers: auth, data: { productTitle: 'Wool Scarf', title: 'Grey', inventory: 0 } });
  const order = async (id: string, quantity: number) =>
    expect((await request.post('/v1/admin/orders', { headers: auth, data: { id, email: `${id}@example.com`, currency: 'USD', total: 3_000 * quantity, lineItems: [{ variantId: 'dash-owed', quantity, price: 3_000 }] } })).status()).toBe(201);
  await order('dash-owed-1', 1);
  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Products' }).click();
  const stock = page.getByRole('row', { name: /Wool Scarf – Grey/ }).getByRole('cell').nth(2);
  await expect(stock).toHaveText('-1 · 1 unit owed to backorders');
  await order('dash-owed-2', 2);
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('link', { name: 'Products' }).click();
  await expect(stock).toHaveText('-3 · 3 units owed to backorders');
  // The figure the page explains is the API's: the units owed are the inventory below zero.
  const { variants } = (await (await request.get('/v1/admin/variants?limit=500', { headers: auth })).json()) as { variants: Array<{ id: string; inventory: number }> };
  expect(variants.find((v) => v.id === 'dash-owed')?.inventory).toBe(-3);
  const owed = (await (await request.get('/v1/admin/backorders?variantId=dash-owed', { headers: auth })).json()) as { backorders: Array<{ quantity: number }> };
  expect(owed.backorders.reduce((n, b) => n + b.quantity, 0)).toBe(3);
});

test("messages: a template select, the whole email at any width, and a line's history opens each message", async ({ page, request }) => {
  const { secretKey, publishableKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/dash-history', { headers: auth, data: { productTitle: 'Tea Pot', title: 'Green', inventory: 0 } });
  await request.post('/v1/storefront/signups', { data: { key: publishableKey, variantId: 'dash-history', email: 'pot@example.com' } });
  await request.post('/v1/admin/variants/dash-history/inventory', { headers: auth, data: { adjust: 1 } });
  const sent = async (template = '') => (await (await request.get(`/v1/admin/messages?to=pot@example.com${template && `&template=${template}`}`, { headers: auth })).json()).messages as Array<{ subject: string | null; status: string }>;
  await expect.poll(async () => (await sent('offer'))[0]?.status).toBe('sent');
  const offer = (await sent('offer'))[0]!;

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Messages' }).click();
  await page.getByPlaceholder('Recipient').fill('pot@example.com');
  await page.getByPlaceholder('Recipient').press('Enter');
  const rows = page.locator('.list tbody tr');
  await expect(rows).toHaveCount((await sent()).length);
  // The template filter is a choice among the known templates, not a box to guess a name in.
  const template = page.getByRole('combobox', { name: 'Template' });
  const { templates } = (await (await request.get('/v1/admin/templates', { headers: auth })).json()) as { templates: Array<{ name: string }> };
  for (const { name } of templates) await expect(template.locator(`option[value="${name}"]`)).toHaveCount(1);
  await template.selectOption('offer');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  await expect(page.frameLocator('iframe[title="HTML part"]').getByRole('heading', { name: 'It is your turn' })).toBeVisible();
  // Shown whole: the frame is as tall as the email and nothing scrolls inside it, on a laptop and on a phone.
  const frame = (await (await page.locator('iframe[title="HTML part"]').elementHandle())!.contentFrame())!;
  const hidden = () => frame.evaluate(() => ({ across: document.documentElement.scrollWidth - innerWidth, down: document.documentElement.scrollHeight - innerHeight }));
  await expect.poll(hidden).toEqual({ across: 0, down: 0 });
  expect((await page.locator('iframe[title="HTML part"]').boundingBox())!.height).toBeGreaterThan(420);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(hidden).toEqual({ across: 0, down: 0 });

  // The line's message history: each message opens as sent.
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('button', { name: 'View line for Tea Pot – Green' }).click();
  const queue = page.getByRole('region', { name: 'Line for Tea Pot – Green' });
  await queue.getByRole('row', { name: /p•••@example\.com/ }).getByRole('button', { name: 'Messages' }).click();
  await queue.getByRole('list', { name: 'Messages to p•••@example.com' }).getByRole('button', { name: offer.subject! }).click();
  const dialog = page.getByRole('dialog', { name: `Message: ${offer.subject}` });
  await expect(dialog.frameLocator('iframe[title="HTML part"]').getByRole('heading', { name: 'It is your turn' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('the overview shows the funnel the API counts, a chart over time and the top products', async ({ page, request }, info) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  // A seeded line: five waiting, three units back, one bought through its hold.
  await request.put('/v1/admin/variants/dash-funnel', { headers: auth, data: { productTitle: 'Linen Shirt', title: 'M', inventory: 0, price: 4_500, currency: 'USD' } });
  const rows = ['f1', 'f2', 'f3', 'f4', 'f5'].map((n, i) => `${n}@example.com,,dash-funnel,2026-11-0${i + 1}T10:00:00Z`);
  expect((await request.post('/v1/admin/signups/import', { headers: { ...auth, ...CSV }, data: ['email,phone,variant,created_at', ...rows].join('\n') })).status()).toBe(200);
  await request.post('/v1/admin/variants/dash-funnel/inventory', { headers: auth, data: { adjust: 3 } });
  const offer = (await (await request.get('/v1/admin/messages?to=f1@example.com&template=offer', { headers: auth })).json()).messages[0];
  // The claim link sits inside the signed click-tracking link.
  const holdToken = /\/claim\/([\w-]+)/.exec(decodeURIComponent(offer.text))![1];
  await request.post('/v1/admin/orders', { headers: auth, data: { id: 'dash-funnel-1', email: 'f1@example.com', currency: 'USD', total: 4_500, lineItems: [{ variantId: 'dash-funnel', quantity: 1, price: 4_500 }], holdToken } });

  // The page asks for whole days in the shop's zone ("last 30 days" is 30 days, today included): the same question here.
  const asked = page.waitForRequest(/\/v1\/admin\/analytics\/funnel/);
  await page.goto(`/admin#key=${secretKey}`);
  const period = new URL((await asked).url()).search;
  expect(new URLSearchParams(period).get('from')).toMatch(/T00:00:00\.000Z$/); // the demo shop keeps UTC
  const funnel = await (await request.get(`/v1/admin/analytics/funnel${period}`, { headers: auth })).json();
  expect(funnel.offered).toBeGreaterThanOrEqual(3);
  expect(funnel.purchased).toBeGreaterThanOrEqual(1);
  for (const [label, key] of [['Signups', 'signups'], ['Offered', 'offered'], ['Opened', 'opened'], ['Clicked', 'clicked'], ['Purchased', 'purchased']] as const) {
    await expect(page.getByRole('table', { name: 'Funnel' }).getByRole('row', { name: new RegExp(`^${label}`) }).locator('td.count')).toHaveText(funnel[key].toLocaleString('en'));
  }
  const money = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(minor / 100);
  await expect(page.locator('.kpis div', { hasText: 'Revenue recovered' }).locator('dd')).toHaveText(money(funnel.revenue));
  // The chart is uPlot's canvas; its figures are also a table.
  await expect(page.locator('.chart canvas').first()).toBeVisible();
  await page.getByText('Show as a table').click();
  const series = await (await request.get('/v1/admin/analytics/timeseries', { headers: auth })).json();
  const purchasedToday = series.points.at(-1).purchased;
  await expect(page.getByRole('table', { name: 'Per day' }).locator('tbody tr').last().locator('td').nth(3)).toHaveText(String(purchasedToday));
  await expect(page.getByRole('table', { name: 'Best converting' })).toContainText('Linen Shirt – M');
  await expect(page.getByRole('table', { name: 'Most wanted (waiting now)' })).toContainText('Linen Shirt – M');
  await page.screenshot({ path: info.outputPath('admin-overview.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: info.outputPath('admin-overview-phone.png'), fullPage: true });
});

test('the restock console: a dry run that writes nothing, then live progress to 100%', async ({ page, request }, info) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/dash-restock', { headers: auth, data: { productTitle: 'Wool Scarf', title: 'Grey', inventory: 0 } });
  const rows = ['r1', 'r2', 'r3'].map((n) => `${n}@example.com,,dash-restock,`);
  await request.post('/v1/admin/signups/import', { headers: { ...auth, ...CSV }, data: ['email,phone,variant,created_at', ...rows].join('\n') });

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Restock' }).click();
  await page.getByLabel('Variant').selectOption('dash-restock');
  await page.getByLabel('Units', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Preview' }).click();
  const dry = page.getByRole('article', { name: 'Dry run' });
  await expect(dry.locator('.kpis div', { hasText: 'Holds offered' }).locator('dd')).toHaveText('2 · 2 units');
  await expect(dry.locator('.kpis div', { hasText: '"Not this time" notices' }).locator('dd')).toHaveText('1');
  await expect(dry.getByRole('table', { name: /Holds go to/ })).toContainText('r•••@example.com');
  await expect(dry.getByRole('table', { name: 'Next in line after this' }).locator('tbody tr')).toHaveCount(1);
  // The line goes on from the holds: the third in line is the head now.
  await expect(dry.getByRole('table', { name: 'Next in line after this' }).locator('tbody td').first()).toHaveText('#3 → #1');
  await expect(dry.getByText('2 in stock, all held')).toBeVisible();
  // The cap starts at the shop's setting; this restock tells nobody, and the figures follow once recounted.
  const { settings } = await (await request.get('/v1/admin/settings', { headers: auth })).json();
  const cap = dry.getByLabel('Send "not this time" to at most');
  await expect(cap).toHaveValue(String(settings.ranOutNoticeDepth));
  await cap.fill('0');
  await expect(dry.getByRole('button', { name: 'Confirm restock' })).toBeDisabled();
  await dry.getByRole('button', { name: 'Recount' }).click();
  await expect(dry.locator('.kpis div', { hasText: '"Not this time" notices' }).locator('dd')).toHaveText('0');
  await expect(dry.locator('.kpis div', { hasText: 'Messages to send' }).locator('dd')).toHaveText('2');
  // The dry run wrote nothing.
  const variant = async () => (await (await request.get('/v1/admin/variants?limit=500', { headers: auth })).json()).variants.find((v: { id: string }) => v.id === 'dash-restock');
  expect(await variant()).toMatchObject({ inventory: 0, activeHolds: 0, queueLength: 3 });
  await page.screenshot({ path: info.outputPath('admin-restock-dry-run.png'), fullPage: true });

  await dry.getByRole('button', { name: 'Confirm restock' }).click();
  const progress = page.getByRole('article', { name: 'Restock progress' });
  // Two offers and no "not this time": the restock kept the cap of its dry run.
  await expect(progress.getByRole('status')).toHaveText('100% · 2 offers written · 2 of 2 messages sent · 0 failed');
  await expect(progress.locator('progress')).toHaveAttribute('value', '100');
  await expect(progress.getByRole('heading')).toHaveText('Restock sent');
  expect(await variant()).toMatchObject({ inventory: 2, activeHolds: 2, queueLength: 1 });
  await expect(page.getByRole('table', { name: 'Recent restocks' }).locator('tbody tr')).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('admin-restock-progress.png'), fullPage: true });
});

test('settings: the widget preview follows the draft, saving keeps it, a bad value is refused', async ({ page, request }, info) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Settings' }).click();
  const preview = page.frameLocator('iframe[title="Widget preview"]');
  await expect(preview.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await page.getByLabel('Button (waitlist)', { exact: true }).fill('Tell me first');
  await page.getByLabel('Button colour').fill('rgb(123, 31, 162)');
  await expect(preview.getByRole('button', { name: 'Tell me first' })).toBeVisible();
  await expect(preview.getByRole('button', { name: 'Tell me first' })).toHaveCSS('background-color', 'rgb(123, 31, 162)');
  await page.getByRole('tab', { name: 'Pre-order' }).click();
  await expect(preview.getByText(/^Pre-order, expected/)).toBeVisible();
  await page.screenshot({ path: info.outputPath('admin-settings.png'), fullPage: true });

  // The API's own message for a bad value; nothing is kept.
  await page.getByLabel('Storefront origins allowed to use the widget (one per line)').fill('not a url');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText(/^allowedOrigins/);
  // This server's own origin, on whatever port the run uses: the demo spec's shopper comes from it next.
  await page.getByLabel('Storefront origins allowed to use the widget (one per line)').fill(`http://localhost:${process.env.E2E_PORT ?? 8799}`);
  await page.getByLabel('Hold duration amount').fill('12');
  await page.getByLabel('Hold duration unit').selectOption('H');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const { settings } = await (await request.get('/v1/admin/settings', { headers: auth })).json();
  expect(settings.holdDuration).toBe('PT12H');
  expect(settings.strings.en['widget.button']).toBe('Tell me first');
  expect(settings.theme.accent).toBe('rgb(123, 31, 162)');
  await expect(page.locator('pre', { hasText: 'data-key' })).toContainText(`data-key="${demoKeys().publishableKey}"`);

  // The real storefront now says it too.
  await page.goto('/demo');
  await expect(page.locator('waitline-form').getByRole('button', { name: 'Tell me first' })).toBeVisible();
  // Put the demo's words back for the other specs.
  await request.patch('/v1/admin/settings', { headers: auth, data: { strings: {}, theme: {} } });
});

test('settings: a merchant connects Zendesk, the key comes back masked, a bad subdomain is shown at its field', async ({ page, request }) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Forward customer replies to').fill('support@demo-store.example');
  await page.getByLabel('Helpdesk', { exact: true }).selectOption({ label: 'Zendesk' });
  await expect(page.locator('#helpdesk-subdomain-suffix')).toHaveText('.zendesk.com');
  await expect(page.getByLabel('Re:amaze channel slug')).toHaveCount(0);
  const subdomain = page.getByLabel('Subdomain');
  await subdomain.fill('acme.zendesk.com');
  await page.getByLabel('Agent email').fill('agent@demo-store.example');
  await page.getByLabel('API key', { exact: true }).fill('zd-e2e-token-0123456789');
  await page.getByRole('button', { name: 'Save' }).click();
  // The API's message for its field, beside that field.
  await expect(page.locator('#helpdesk-subdomain-error')).toHaveText(/^must be the account name in acme\.zendesk\.com/);
  await expect(subdomain).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('status')).toHaveText('Not saved: see the field marked above.');

  await subdomain.fill('waitline-e2e');
  await page.getByLabel('Open a ticket for every backorder').check();
  const patch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith('/v1/admin/settings'));
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await patch).postDataJSON()).toMatchObject({
    supportEmail: 'support@demo-store.example',
    helpdesk: { kind: 'zendesk', subdomain: 'waitline-e2e', email: 'agent@demo-store.example', apiKey: 'zd-e2e-token-0123456789', channel: null, ticketPerBackorder: true },
  });
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.locator('#helpdesk-subdomain-error')).toHaveCount(0);

  // After a reload the key is the mask, never the key; saving again keeps the stored one.
  await page.reload();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Helpdesk', { exact: true })).toHaveValue('zendesk');
  await expect(subdomain).toHaveValue('waitline-e2e');
  await expect(page.getByLabel('API key', { exact: true })).toHaveValue('********');
  await expect(page.getByLabel('API key', { exact: true })).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const { settings } = await (await request.get('/v1/admin/settings', { headers: auth })).json();
  expect(settings.supportEmail).toBe('support@demo-store.example');
  expect(settings.helpdesk).toEqual({ kind: 'zendesk', subdomain: 'waitline-e2e', email: 'agent@demo-store.example', apiKey: '********', channel: null, ticketPerBackorder: true });

  // Freshdesk has no agent email; Re:amaze needs a channel. None disconnects.
  await page.getByLabel('Helpdesk', { exact: true }).selectOption({ label: 'Freshdesk' });
  await expect(page.getByLabel('Agent email')).toHaveCount(0);
  await expect(page.getByLabel('API key', { exact: true })).toHaveValue('');
  await page.getByLabel('Helpdesk', { exact: true }).selectOption({ label: 'Re:amaze' });
  await expect(page.locator('#helpdesk-subdomain-suffix')).toHaveText('.reamaze.io');
  await expect(page.getByLabel('Re:amaze channel slug')).toBeVisible();
  await page.getByLabel('Helpdesk', { exact: true }).selectOption({ label: 'None' });
  await page.getByLabel('Forward customer replies to').fill('');
  const off = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith('/v1/admin/settings'));
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await off).postDataJSON()).toMatchObject({ supportEmail: null, helpdesk: null });
  await expect(page.getByRole('status')).toHaveText('Saved.');
  // No other spec's escalation may try to reach a Zendesk that does not exist.
  expect((await (await request.get('/v1/admin/settings', { headers: auth })).json()).settings.helpdesk).toBeNull();
});

test("an escalation shows the customer's replies with their intent, and its helpdesk ticket", async ({ page, request }, info) => {
  const { secretKey } = demoKeys();
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/dash-reply', { headers: auth, data: { productTitle: 'Oak Stool', title: 'Natural', inventory: 0 } });
  await request.post('/v1/admin/orders', {
    headers: auth,
    data: { id: 'dash-reply', email: 'upset@example.com', currency: 'USD', total: 80_000, lineItems: [{ variantId: 'dash-reply', quantity: 4, price: 20_000 }] },
  });
  const opened = async () =>
    ((await (await request.get('/v1/admin/escalations?status=open', { headers: auth })).json()).escalations as Array<{ id: number; kind: string; orderId: string | null }>).find(
      (e) => e.kind === 'order_value' && e.orderId === 'dash-reply',
    );
  await expect.poll(async () => (await opened())?.id).toBeGreaterThan(0);
  const escalation = (await opened())!;

  // The replies and the ticket as the reply reader and the helpdesk job store them: this run's server has no
  // inbound secrets (Resend, Twilio) to sign a real reply with, so they are written to its database directly.
  const db = new Database(process.env.E2E_DB!);
  db.pragma('busy_timeout = 5000');
  const now = Date.now();
  const reply = db.prepare(
    `INSERT INTO replies (shop_id, channel, provider_id, "from", text, intent, intents, sentiment, action, escalation_id, order_id, received_at)
     VALUES ('shop_demo', ?, ?, ?, ?, ?, ?, ?, 'escalated', ?, 'dash-reply', ?)`,
  );
  reply.run('email', `e2e-${now}-1`, 'upset@example.com', 'Where is my stool? It has been weeks.', 'question', JSON.stringify(['question']), -1, escalation.id, now - 60_000);
  reply.run('sms', `e2e-${now}-2`, '+15005550006', "I'll dispute this with my bank", 'chargeback', JSON.stringify(['chargeback', 'angry']), -3, escalation.id, now);
  db.prepare(
    `INSERT INTO helpdesk_tickets (shop_id, ref, helpdesk, external_id, url, status, created_at, updated_at)
     VALUES ('shop_demo', 'order:dash-reply', 'zendesk', '4242', 'https://waitline-e2e.zendesk.com/agent/tickets/4242', 'open', ?, ?)`,
  ).run(now, now);

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Escalations' }).click();
  const card = page.locator('article.card', { hasText: 'Large order · order dash-reply' });
  const said = card.getByRole('list', { name: 'Replies' }).getByRole('listitem');
  await expect(said).toHaveCount(2);
  // Oldest first, each quoted with how it read.
  await expect(said.nth(0)).toContainText('Email from upset@example.com');
  await expect(said.nth(0).locator('blockquote')).toHaveText('Where is my stool? It has been weeks.');
  await expect(said.nth(0).locator('.tag')).toHaveText('question');
  await expect(said.nth(1)).toContainText('SMS from +15005550006');
  await expect(said.nth(1).locator('blockquote')).toHaveText("I'll dispute this with my bank");
  await expect(said.nth(1).locator('.tag')).toHaveText('chargeback');
  const ticket = card.getByRole('link', { name: 'Ticket in Zendesk' });
  await expect(ticket).toHaveAttribute('href', 'https://waitline-e2e.zendesk.com/agent/tickets/4242');
  await expect(ticket).toHaveAttribute('target', '_blank');
  await expect(ticket).toHaveAttribute('rel', 'noopener');
  await expect(card).toContainText('Ticket in Zendesk · open');
  await page.screenshot({ path: info.outputPath('admin-escalation-replies.png'), fullPage: true });

  // While the helpdesk has not taken the ticket, the case says why, and stays here meanwhile.
  db.prepare(`UPDATE helpdesk_tickets SET external_id = NULL, url = NULL, last_error = 'Zendesk answered 503' WHERE shop_id = 'shop_demo' AND ref = 'order:dash-reply'`).run();
  db.close();
  await page.getByRole('tab', { name: 'Resolved' }).click();
  await page.getByRole('tab', { name: 'Open' }).click();
  await expect(card).toContainText('Not in Zendesk yet: Zendesk answered 503');
  await expect(card.getByRole('link', { name: 'Ticket in Zendesk' })).toHaveCount(0);
  await request.post(`/v1/admin/escalations/${escalation.id}/resolve`, { headers: auth, data: {} });
});

test('the backorder desk: select two lines, mark them shipped with tracking, the report counts them', async ({ page, request }, info) => {
  // A shop of its own: no store connected (a connected store ships through its platform), and a report of only these lines.
  const created = await request.post('/v1/shops', { headers: { authorization: 'Bearer e2e-root-token' }, data: { name: 'Desk Shop', settings: { sender: { name: 'Desk Shop', email: 'owner@desk-shop.example', address: '1 Quay' } } } });
  expect(created.status()).toBe(201);
  const { secretKey } = (await created.json()) as { secretKey: string };
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/desk-chair', { headers: auth, data: { productTitle: 'Oak Chair', title: 'Natural', inventory: 0, price: 12_000, currency: 'USD' } });
  for (const n of [1, 2, 3]) {
    const order = { id: `desk-${n}`, name: `#D10${n}`, email: `desk${n}@example.com`, currency: 'USD', total: 12_000, lineItems: [{ variantId: 'desk-chair', quantity: 1, price: 12_000 }] };
    expect((await request.post('/v1/admin/orders', { headers: auth, data: order })).status()).toBe(201);
  }

  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'Backorders' }).click();
  await expect(page).toHaveURL(/\/admin\/backorders$/);
  const table = page.getByRole('table', { name: 'Backorder lines, oldest order first' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  const row = (name: string) => table.getByRole('row', { name: new RegExp(name) });
  await expect(row('#D101')).toContainText('Oak Chair – Natural');

  await page.getByLabel('Select order #D101').check();
  await page.getByLabel('Select order #D102').check();
  await page.getByRole('button', { name: 'Mark shipped', exact: true }).click();
  const form = page.getByRole('form', { name: 'Mark shipped' });
  await form.getByLabel('Carrier').fill('UPS');
  await form.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await form.getByRole('button', { name: 'Mark 2 shipped' }).click();

  await expect(page.getByRole('status')).toContainText('2 shipped');
  await expect(row('#D101').getByRole('cell').nth(4)).toHaveText('shipped');
  await expect(row('#D102').getByRole('cell').nth(4)).toHaveText('shipped');
  await expect(row('#D103').getByRole('cell').nth(4)).toHaveText('open');
  const handled = page.locator('.kpis div').filter({ has: page.locator('dt', { hasText: /^Handled$/ }) }).locator('dd');
  await expect.poll(async () => Number((await handled.textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(2);
  const shipped = (await (await request.get('/v1/admin/backorders?status=shipped', { headers: auth })).json()) as { backorders: Array<{ orderName: string; tracking: unknown }> };
  expect(shipped.backorders.map((b) => [b.orderName, b.tracking])).toEqual([
    ['#D101', { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' }],
    ['#D102', { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' }],
  ]);
  await page.screenshot({ path: info.outputPath('admin-backorders.png'), fullPage: true });
});
