import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { jobs, shops, variants } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { allMessages, runJobs, type TestEnv } from '../helpers.ts';
import { shopifySign, svixHeaders } from '../webhooks/helpers.ts';
import { snapshot } from './harness.ts';
import { fuzzEnv, populatedShop, SHOP_DOMAIN, type Shop } from './world.ts';

/** The bugs the fuzzers found, pinned as plain examples so they stay fixed whatever seed runs. */
let t: TestEnv;
let shop: Shop;
beforeEach(async () => {
  t = await fuzzEnv();
  shop = await populatedShop(t, 'Fuzz Goods', { domain: SHOP_DOMAIN, emailTag: 'a' });
});
afterEach(() => t.cleanup());

const shopify = (body: string, topic = 'inventory_levels/update') =>
  t.call('POST', '/webhooks/shopify', {
    raw: body,
    headers: { 'x-shopify-shop-domain': SHOP_DOMAIN, 'x-shopify-topic': topic, 'x-shopify-webhook-id': `id-${body.length}-${topic}`, 'x-shopify-hmac-sha256': shopifySign(body) },
  });

it.each(['null', '[1,2]', '"text"', '7'])('a signed Shopify body that is JSON but not an object (%s) is 400 and stores nothing', async (body) => {
  const before = await snapshot(t);
  const res = await shopify(body);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(await snapshot(t)).toEqual(before);
});

it('a signed Shopify payload with lists of the wrong shape is worked, not retried forever', async () => {
  expect((await shopify(JSON.stringify({ id: 1, title: 'x', variants: { '': 1 } }), 'products/update')).status).toBe(200);
  expect((await shopify(JSON.stringify({ id: 2, email: 'a@example.com', line_items: 5, note_attributes: 'x' }), 'orders/create')).status).toBe(200);
  expect((await shopify(JSON.stringify({ inventory_item_id: 1, location_id: 1, available: 1e308 }))).status).toBe(200);
  await runJobs(t);
  expect(await t.deps.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.kind, 'shopify.webhook')).orderBy(jobs.id)).toEqual([{ status: 'done' }, { status: 'done' }, { status: 'done' }]);
});

it.each(['[]', 'null', '{"data":{}}', '{"type":7}'])('a signed Resend body that is not an event (%s) is 400 and stores nothing', async (body) => {
  const before = await snapshot(t);
  const res = await t.call('POST', '/webhooks/resend', { raw: body, headers: svixHeaders(body, 'msg_regression', new Date()) });
  expect(res.status).toBe(400);
  expect(await snapshot(t)).toEqual(before);
});

it('a CSV import the parser cannot read (a quote inside a field) is 400, not 500', async () => {
  const csv = 'email,variant\nx@example.com,ab"c"d\n';
  for (const path of ['/v1/admin/signups/import', '/v1/admin/purchase-orders/import']) {
    const res = await t.call('POST', path, { raw: csv.replace('email,variant', path.includes('purchase') ? 'supplier,variant,quantity,quoted_arrival' : 'email,variant'), headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });
    expect(res.status, path).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  }
});

it('a sender name or item title with CR/LF cannot add a mail header', async () => {
  const [row] = await t.deps.db.select().from(shops).where(eq(shops.id, shop.id));
  await transaction(t.deps.db, async (tx) => {
    await tx.update(shops).set({ settings: { ...row!.settings, sender: { ...row!.settings.sender, name: 'Acme\r\nBcc: all@example.com' } } }).where(eq(shops.id, shop.id));
    await tx.update(variants).set({ title: 'S\r\nX-Evil: 1' }).where(and(eq(variants.shopId, shop.id), eq(variants.id, '4401')));
  });
  // A new message, rendered now (the fixture's were already sent with the old names).
  await t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId: '4401', email: 'new@example.com' } });
  const emails = (await allMessages(t)).filter((m) => m.channel === 'email' && m.to === 'new@example.com');
  expect(emails.length).toBe(1);
  for (const m of emails) {
    expect(m.from).toBe('Acme Bcc: all@example.com <waitline@localhost>');
    expect(m.subject).toContain('S X-Evil: 1');
  }
});
