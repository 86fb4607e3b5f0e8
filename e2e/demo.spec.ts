import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const demoKeys = () => JSON.parse(readFileSync(`${process.env.E2E_DB}.demo-keys.json`, 'utf8')) as { secretKey: string };

test('the demo storefront swaps the sold-out button for the waitlist form and puts the shopper in line', async ({ page, request }, info) => {
  await page.goto('/demo');
  const addButton = page.locator('button[name="add"]');
  const form = page.locator('waitline-form');

  // Size S is sold out: the original button is hidden, not destroyed, and the form takes its place.
  await expect(form.getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(addButton).toBeHidden();
  await expect(addButton).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('demo-sold-out.png') });

  await form.getByPlaceholder('Email').fill('shopper@example.com');
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByRole('status')).toHaveText("You're #1 in line. We'll message shopper@example.com when it's your turn.");
  await expect(form.getByRole('status')).toBeFocused();
  await page.screenshot({ path: info.outputPath('demo-joined.png') });

  // Size M is in stock: the shopper gets the store's own button back.
  await page.locator('label', { hasText: 'M' }).click();
  await expect(addButton).toBeVisible();
  await expect(addButton).toHaveText('Add to cart');
  await expect(form).toHaveCount(0);

  // Back on S, the shopper sees their place (kept in localStorage), and can leave.
  await page.locator('label', { hasText: 'S' }).click();
  await expect(form.getByRole('status')).toHaveText(/^You're #1 in line/);
  await page.reload();
  await expect(form.getByRole('status')).toHaveText(/^You're #1 in line/);

  // The confirmation was written to the outbox and sent by the scheduler.
  await expect
    .poll(async () => {
      const res = await request.get('/v1/admin/messages?to=shopper@example.com', { headers: { authorization: `Bearer ${demoKeys().secretKey}` } });
      const { messages } = await res.json();
      return messages.map((m: { template: string; status: string }) => `${m.template}:${m.status}`);
    })
    .toEqual(['signup-confirmation:sent']);
});

test('someone else typing the same address is told the place exists, and gets no way into it', async ({ browser, request }) => {
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/demo');
  const form = stranger.locator('waitline-form');
  await form.getByPlaceholder('Email').fill('shopper@example.com');
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByRole('status')).toHaveText("You're already in line. Use the link in our message to you to see or leave your place.");
  // No token reached this browser: nothing kept, no status or leave button.
  expect(await stranger.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('waitline:')))).toEqual([]);
  await expect(form.getByRole('button', { name: 'Leave the list' })).toHaveCount(0);
  // The owner was sent their place's own link.
  await expect
    .poll(async () => {
      const res = await request.get('/v1/admin/messages?to=shopper@example.com&template=signup-exists', { headers: { authorization: `Bearer ${demoKeys().secretKey}` } });
      return (await res.json()).messages.length;
    })
    .toBe(1);
});

test('bad input is caught inline, by the form and by the API, and nothing is stored', async ({ page, request }) => {
  await page.goto('/demo');
  const form = page.locator('waitline-form');
  await form.getByPlaceholder('Email').fill('not-an-email');
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByRole('alert')).toHaveText('Enter a valid email address.');
  await expect(form.getByPlaceholder('Email')).toBeFocused();
  await expect(form.getByPlaceholder('Email')).toHaveAttribute('aria-invalid', 'true');

  // The API's own error, in its shape, for what only the server can judge.
  await form.getByPlaceholder('Email').fill('');
  await form.getByRole('button', { name: 'Text me too' }).click();
  await form.getByPlaceholder('Mobile number').fill('12345');
  await form.getByRole('checkbox').check();
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByRole('alert')).toHaveText(/^phone must be a valid US phone number, or one with its country code/);

  const res = await request.get('/v1/admin/signups?variantId=44012345678901', { headers: { authorization: `Bearer ${demoKeys().secretKey}` } });
  const { signups } = await res.json();
  expect(signups.map((s: { email: string }) => s.email)).toEqual(['shopper@example.com']);
});

test('a restock offers the held unit, and the claim link in the email leads to checkout with the hold', async ({ page, request, browser }) => {
  const auth = { authorization: `Bearer ${demoKeys().secretKey}` };
  await page.goto('/demo');
  const form = page.locator('waitline-form');
  await form.getByPlaceholder('Email').fill('claimer@example.com');
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.getByRole('status')).toContainText("You're #");

  const before = await (await request.get('/v1/admin/variants', { headers: auth })).json();
  const soldOut = before.variants.find((v: { title: string }) => v.title === 'S');
  const restock = await request.post(`/v1/admin/variants/${soldOut.id}/inventory`, { headers: auth, data: { adjust: soldOut.queueLength } });
  expect((await restock.json()).allocation).toMatchObject({ offered: soldOut.queueLength, stillWaiting: 0 });

  // The shopper whose turn it is sees it on the page too.
  await page.reload();
  await expect(form.getByRole('status')).toHaveText(/^It's your turn: held for you until /);
  await expect(form.getByRole('link', { name: 'Claim it' })).toHaveAttribute('href', /\/claim\/[\w-]+$/);

  // While the units are held for the line, the public still sees the waitlist form,
  // although the store itself now has stock.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/demo');
  await expect(stranger.locator('waitline-form').getByRole('button', { name: 'Notify me' })).toBeVisible();
  await expect(stranger.locator('button[name="add"]')).toBeHidden();

  let offer: { text: string; subject: string } | undefined;
  await expect
    .poll(async () => {
      const { messages } = await (await request.get('/v1/admin/messages?to=claimer@example.com&template=offer', { headers: auth })).json();
      offer = messages[0];
      return offer?.subject ?? '';
    })
    .toMatch(/^It's back: Ocean Blue Tee – S is held for you until/);
  const claimLink = offer!.text.match(/Claim it now: (\S+)/)![1]!;
  await page.goto(claimLink);
  await expect(page).toHaveURL(/\/demo\?/);
  const landed = new URL(page.url());
  expect(landed.searchParams.get('variant')).toBe(soldOut.id);
  expect(landed.searchParams.get('waitline_hold')).toMatch(/^[\w-]{20,}$/);
  // The holder gets the store's own button and how long it is theirs; everyone else still sees the form.
  await expect(page.locator('button[name="add"]')).toHaveText('Add to cart');
  await expect(page.locator('button[name="add"]')).toBeEnabled();
  await expect(page.locator('button[name="add"]')).toBeVisible();
  await expect(form.getByRole('status')).toHaveText(/^Reserved for you until /);
  await expect(form.getByRole('textbox')).toHaveCount(0);

  const funnel = await (await request.get('/v1/admin/analytics/funnel', { headers: auth })).json();
  expect(funnel).toMatchObject({ clicked: 1, opened: 1 });
});
