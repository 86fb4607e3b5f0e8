import { and, eq, sql, type SQL } from 'drizzle-orm';
import { first } from '../../db/raw.ts';
import { messages, shops, variants } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { en } from '../../emails/i18n/en.ts';
import { changeEta } from '../../server/services/eta/change.ts';
import { lapseSweep } from '../../server/services/signups/lapse.ts';
import { runJobs, type TestEnv } from '../helpers.ts';
import { reply } from '../replies/take-reply.ts';

/** The hostile shop's product images live here; escaping tests allow an <img> only from it. */
export const IMAGE_ORIGIN = 'https://cdn.hostile.example';

/**
 * A shop whose every merchant- and shopper-facing text is hostile, and that has
 * produced every kind of message and page. The API refuses markup in names,
 * but a Shopify product sync, an older row or a future route may not: output
 * escaping is the defence that must hold, so the text is written straight to
 * the database (or through a service, which trusts its input).
 */
export async function hostileShop(t: TestEnv, evil: string) {
  const shop = await t.createShop('Plain Shop', {
    allowedOrigins: ['https://acme.example'],
    quietHours: null,
    signupTtl: 'P5D',
    sender: { name: 'Plain', email: 'shop@example.com', address: '1 Main St' },
  });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await shop.admin(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await ok('PUT', '/v1/admin/variants/4401', { productTitle: 'Tee', title: 'S', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  await ok('PUT', '/v1/admin/variants/4402', { productTitle: 'Coat', title: 'M', mode: 'preorder', inventory: 0, preorderLimit: 10, eta: { earliest: '2026-04-01', latest: '2026-04-10' } });
  await ok('PUT', '/v1/admin/variants/4404', { productTitle: 'Cap', title: 'One size', mode: 'waitlist', inventory: 0 });
  await ok('PUT', '/v1/admin/variants/4403', { productTitle: 'Lamp', title: 'Brass', mode: 'waitlist', inventory: 1, price: 90_000, currency: 'USD' });

  // Now make every text hostile: names, titles, sender, contact line, and an English override of every string (placeholders kept).
  const fresh = async () => (await t.deps.db.select().from(shops).where(eq(shops.id, shop.id)))[0]!;
  const row = await fresh();
  const strings = { en: Object.fromEntries(Object.entries(en).map(([k, v]) => [k, `${evil} ${v}`])) };
  await transaction(t.deps.db, async (tx) => {
    await tx
      .update(shops)
      .set({ name: `Shop ${evil}`, settings: { ...row.settings, sender: { name: `Sender ${evil}`, email: 'shop@example.com', address: `Addr ${evil}` }, contact: `Call ${evil}`, strings } })
      .where(eq(shops.id, shop.id));
    for (const id of ['4401', '4402', '4403', '4404']) {
      // Offer emails show the image: an https one carrying the hostile text, and a javascript: one that must never appear.
      const imageUrl = id === '4403' ? `javascript:${evil}` : `${IMAGE_ORIGIN}/p.jpg?x=${evil}`;
      await tx.update(variants).set({ productTitle: `Product ${evil}`, title: `Variant ${evil}`, imageUrl }).where(and(eq(variants.shopId, shop.id), eq(variants.id, id)));
    }
  });

  const signup = (body: Record<string, unknown>) => t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, ...body } });
  // English contacts see the hostile overrides; French ones see the shipped strings around hostile names.
  await signup({ variantId: '4401', email: 'jane@example.com', phone: '+14155550123', smsConsent: true, locale: 'en' });
  await signup({ variantId: '4401', email: 'jean@example.com', locale: 'fr' });
  await signup({ variantId: '4401', email: 'lena@example.com', locale: 'en' });
  // Never restocked: this place stays waiting, and so is asked "still interested?".
  await signup({ variantId: '4404', email: 'lena@example.com', locale: 'en' });
  await signup({ variantId: '4402', email: 'pat@example.com', kind: 'preorder', locale: 'en' });
  await signup({ variantId: '4402', email: 'paul@example.com', phone: '+14155550124', smsConsent: true, kind: 'preorder', locale: 'fr' });
  await ok('PATCH', '/v1/admin/settings', { doubleOptIn: true });
  await signup({ variantId: '4401', email: 'carol@example.com', locale: 'en' });
  await ok('PATCH', '/v1/admin/settings', { doubleOptIn: false });
  // A repeat (the owner is sent their place's link), a new number for a known
  // address (asked of that address), and an opted-out address signed up again
  // (the one way back is sent to it).
  await signup({ variantId: '4401', email: 'jane@example.com', locale: 'en' });
  await signup({ variantId: '4404', email: 'lena@example.com', phone: '+14155550126', smsConsent: true, locale: 'en' });
  const one = async (query: SQL) => (await first<{ v: string }>(t.deps.db, query))?.v;
  const pat = { token: (await one(sql`select token as v from contacts where shop_id = ${shop.id} and email = 'pat@example.com'`))! };
  await t.call('POST', `/u/${pat.token}`, { raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await signup({ variantId: '4402', email: 'pat@example.com', kind: 'preorder', locale: 'en' });
  // Two holds, then stock falls back to one: the newer hold is withdrawn.
  await ok('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
  await ok('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await ok('POST', '/v1/admin/orders', { id: 'order-1', email: 'olga@example.com', phone: '+14155550125', currency: 'USD', total: 900_000, lineItems: [{ variantId: '4403', quantity: 3, price: 90_000 }] });
  // The order lookup mails its status link to the address on the order.
  await t.call('POST', '/status', { raw: new URLSearchParams({ shop: shop.pk, order: 'order-1', contact: 'olga@example.com' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  // Olga answers by email: her words reach the team's forward, and she gets the confirm link.
  await reply(t.deps, shop.id, 'email', 'olga@example.com', `Cancel my order ${evil}`);
  // Small enough for its customer to cancel alone (a large order's cancel goes to a person); the refund is then recorded.
  await ok('POST', '/v1/admin/orders', { id: 'order-2', email: 'omar@example.com', currency: 'USD', total: 9_000, lineItems: [{ variantId: '4403', quantity: 2, price: 4_500 }] });
  const second = (await first<{ id: number; token: string }>(t.deps.db, sql`select id, token from backorders where shop_id = ${shop.id} and order_id = 'order-2'`))!;
  await t.call('POST', `/b/${second.token}`);
  await ok('POST', `/v1/admin/backorders/${second.id}/refunded`, {});
  // An ETA close enough that the mid-wait check-in and "shipping soon" fall inside the days simulated below.
  await changeEta(t.deps, await fresh(), '4402', { earliest: '2026-03-16', latest: '2026-03-25', reason: `Reason ${evil}` });
  await changeEta(t.deps, await fresh(), '4403', { earliest: '2026-05-01', latest: '2026-05-20', reason: `Reason ${evil}` });
  // Let time pass: follow-ups, expiry and the cascade, backorder cadence, pre-order check-ins, the "still interested?" sweep.
  for (let day = 0; day < 24; day++) {
    t.clock.advance(12 * 3600_000);
    await lapseSweep(t.deps); // scheduled by the server's entry file, so run by hand here
    await runJobs(t);
  }
  await ok('POST', '/v1/admin/variants/4403/inventory', { adjust: 5 });
  await runJobs(t);
  // order-1's stock is in and being packed; the merchant ships it, with tracking.
  const packed = (await one(sql`select id as v from backorders where shop_id = ${shop.id} and order_id = 'order-1'`))!;
  await ok('POST', `/v1/admin/backorders/${packed}/fulfilled`, { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/t/1Z999' });
  // The invitation names the hostile shop twice: as the team and as who invited.
  await ok('POST', '/v1/admin/members', { email: 'mia@example.com', role: 'staff' });
  await runJobs(t);

  const [optin] = await t.deps.db
    .select({ props: messages.props })
    .from(messages)
    .where(and(eq(messages.shopId, shop.id), eq(messages.template, 'signup-optin')))
    .orderBy(messages.id)
    .limit(1);
  return {
    ...shop,
    offerToken: (await one(sql`select token as v from offers where shop_id = ${shop.id} order by id limit 1`))!,
    pendingToken: (await one(sql`select token as v from signups where shop_id = ${shop.id} and status = 'pending' order by id`))!,
    /** The path of the double opt-in link, which only the inbox gets. */
    confirmPath: new URL(optin!.props.confirmUrl as string).pathname,
    waitingToken: (await one(sql`select token as v from signups where shop_id = ${shop.id} and variant_id = '4404' order by id`))!,
    contactToken: (await one(sql`select token as v from contacts where shop_id = ${shop.id} and email = 'lena@example.com'`))!,
    frenchContactToken: (await one(sql`select token as v from contacts where shop_id = ${shop.id} and email = 'jean@example.com'`))!,
    backorderToken: (await one(sql`select token as v from backorders where shop_id = ${shop.id} order by id limit 1`))!,
  };
}
