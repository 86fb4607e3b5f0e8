import { expect, test, type APIRequestContext } from '@playwright/test';

/**
 * A second person on the team, end to end: the owner invites them from the
 * People page, the link reaches only the outbox (their inbox in development),
 * they sign in with it in a browser of their own, see what staff may see, act,
 * and the owner finds the action under their name in the audit log.
 */
async function freshShop(request: APIRequestContext) {
  const res = await request.post('/v1/shops', { headers: { authorization: 'Bearer e2e-root-token' }, data: { name: 'Team Goods' } });
  expect(res.status()).toBe(201);
  const { secretKey } = (await res.json()) as { secretKey: string };
  const auth = { authorization: `Bearer ${secretKey}` };
  await request.put('/v1/admin/variants/team-lamp', { headers: auth, data: { productTitle: 'Team Lamp', title: 'Brass', inventory: 0 } });
  // Over the order-value threshold: an escalation for a person to resolve.
  await request.post('/v1/admin/orders', { headers: auth, data: { id: 'team-big', name: '#7001', email: 'big@example.com', currency: 'USD', total: 90_000, lineItems: [{ variantId: 'team-lamp', quantity: 5, price: 18_000 }] } });
  return { secretKey, auth };
}

/** The invitation's link, read from the outbox as the invitee's inbox would show it. */
async function linkFor(request: APIRequestContext, auth: Record<string, string>, to: string): Promise<string> {
  const { messages } = (await (await request.get(`/v1/admin/messages?template=team-link&to=${encodeURIComponent(to)}`, { headers: auth })).json()) as { messages: Array<{ text: string }> };
  const url = messages[0]?.text.match(/https?:\/\/\S+\/admin\/link#t=[\w-]+/)?.[0];
  expect(url, 'the invitation is in the outbox').toBeTruthy();
  return new URL(url!).pathname + new URL(url!).hash;
}

test('a second person is invited, signs in by link, sees only what staff may, and their action is in the audit log', async ({ page, browser, request }, info) => {
  const { secretKey, auth } = await freshShop(request);
  await page.goto(`/admin#key=${secretKey}`);
  await page.getByRole('link', { name: 'People' }).click();
  const invite = page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Email').fill('sam@team.example');
  await invite.getByLabel('Name (optional)').fill('Sam');
  await invite.getByLabel('Role').selectOption('staff');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(invite.getByRole('status')).toHaveText('Invitation sent to sam@team.example. The link works once.');
  await expect(page.getByRole('table', { name: 'Team' })).toContainText('sam@team.example');
  await expect(page.getByRole('table', { name: 'Team' })).toContainText('Not yet');

  // Sam's own browser: no key, only the emailed link.
  const sams = await browser.newContext();
  const sam = await sams.newPage();
  await sam.goto(await linkFor(request, auth, 'sam@team.example'));
  await expect(sam).toHaveURL(/\/admin$/); // the token leaves the address bar before anything else
  await sam.getByRole('button', { name: 'Sign in' }).click();
  await expect(sam.getByRole('banner')).toContainText('sam@team.example · staff');
  const [cookie] = await sams.cookies();
  expect(cookie).toMatchObject({ name: '__Host-waitline_session', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  expect(await sam.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script on the page can read it
  expect(await sam.evaluate(() => JSON.stringify({ ...sessionStorage }))).toBe('{}');

  // Staff see the work pages, not the owner's.
  const nav = sam.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Escalations' })).toBeVisible();
  for (const owners of ['Settings', 'People', 'Audit log', 'Connect']) await expect(nav.getByRole('link', { name: owners })).toHaveCount(0);
  await sam.goto('/admin/settings');
  await expect(sam.getByText("This page is for the shop's owners.")).toBeVisible();
  expect((await sams.request.get('/v1/admin/members')).status()).toBe(403);
  // A change without the session's CSRF token is refused, even with the cookie.
  expect((await sams.request.post('/v1/admin/variants/team-lamp/inventory', { data: { adjust: 1 } })).status()).toBe(403);

  // Sam resolves the escalation through the dashboard, which sends the token.
  await sam.getByRole('navigation').getByRole('link', { name: 'Escalations' }).click();
  const card = sam.locator('article', { hasText: 'order #7001' });
  await card.getByLabel('Resolution note').fill('Called the customer');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(sam.getByText('Nothing needs a person right now.')).toBeVisible();
  await sam.screenshot({ path: info.outputPath('people-staff.png') });

  // The owner finds it under Sam's name, before and after.
  await page.getByRole('link', { name: 'Audit log' }).click();
  const log = page.getByRole('table', { name: 'Audit log' });
  // Sam's two entries: the sign-in by link, and the resolve with what it changed.
  await expect(log.getByRole('row', { name: /sam@team\.example \(staff\) Signed in by link/ })).toHaveCount(1);
  const row = log.getByRole('row', { name: /sam@team\.example \(staff\) Resolved an escalation/ });
  await expect(row).toContainText('status: open → resolved');
  await expect(log).toContainText('secret key');
  await page.screenshot({ path: info.outputPath('people-audit.png') });

  // Made a viewer, Sam can still look and can no longer act; signing out ends the session on the server.
  await page.getByRole('link', { name: 'People' }).click();
  await page.getByLabel('Role of sam@team.example').selectOption('viewer');
  await expect.poll(async () => (await (await request.get('/v1/admin/members', { headers: auth })).json()).members[0].role).toBe('viewer');
  await sam.reload();
  await expect(sam.getByText('You are a viewer: you can look at everything, and change nothing.')).toBeVisible();
  await sam.getByRole('button', { name: 'Sign out' }).click();
  await expect(sam.getByLabel('Shop secret key')).toBeVisible();
  expect(await sams.cookies()).toEqual([]);
  await sams.close();
});

test('asking for a sign-in link says the same for anyone, and the link works once', async ({ page, request }) => {
  const { auth } = await freshShop(request);
  await request.post('/v1/admin/members', { headers: auth, data: { email: 'vi@team.example', role: 'viewer' } });
  await page.goto('/admin');
  for (const address of ['nobody@team.example', 'vi@team.example']) {
    await page.getByLabel("On a shop's team? Your email").fill(address);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.getByRole('status')).toHaveText('If this address is on a team, a sign-in link is on its way.');
  }
  const link = await linkFor(request, auth, 'vi@team.example');
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText('vi@team.example · viewer');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('This sign-in link has expired or was already used: ask for a new one');
});
