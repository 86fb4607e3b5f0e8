import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { first, rows } from '../../db/raw.ts';
import { messages } from '../../db/schema/index.ts';
import { setup, type TestEnv } from '../helpers.ts';
import { report } from './harness.ts';
import { RESEND_SECRET, SHOPIFY_SECRET, TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';

export const SHOP_DOMAIN = 'fuzz-store.myshopify.com';

/** A test app with every provider secret set (so signatures are checked, not skipped) and no rate limits (so requests reach the handlers). */
export async function fuzzEnv(): Promise<TestEnv> {
  return await setup({
    WAITLINE_RATE_PER_IP: '0',
    WAITLINE_RATE_PER_EMAIL: '0',
    RESEND_WEBHOOK_SECRET: RESEND_SECRET,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    PUBLIC_URL: TWILIO_PUBLIC_URL,
  });
}

export type Shop = Awaited<ReturnType<typeof populatedShop>>;

/** One fuzz file's world: a fresh app and a populated shop before its tests, the request report and cleanup after. */
export function fuzzSuite(file: string, opts: { domain?: string }, ready: (t: TestEnv, shop: Shop) => void) {
  const started = Date.now();
  let env: TestEnv;
  beforeAll(async () => {
    env = await fuzzEnv();
    ready(env, await populatedShop(env, 'Fuzz Goods', { emailTag: 'a', ...opts }));
  });
  afterAll(async () => {
    report(file, started);
    await env.cleanup();
  });
}

/**
 * A shop with one of everything a route can point at: variants (waitlist,
 * pre-order, in stock), signups, a pending double opt-in, an offer, a
 * backorder, an escalation, a restock, a purchase order, a queue action and
 * dispatched messages. Returns the ids and tokens the fuzzers and the tenant
 * matrix aim at.
 */
export async function populatedShop(t: TestEnv, name: string, opts: { domain?: string; emailTag: string; settings?: Record<string, unknown> }) {
  const settings: Record<string, unknown> = { allowedOrigins: ['https://acme.example'], quietHours: null, ...opts.settings };
  if (opts.domain) settings.shopify = { domain: opts.domain, webhookSecret: SHOPIFY_SECRET };
  const shop = await t.createShop(name, settings);
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await shop.admin(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const email = (who: string) => `${who}.${opts.emailTag}@example.com`;
  await ok('PUT', '/v1/admin/variants/4401', { productTitle: 'Ocean Tee', title: 'S', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  await ok('PUT', '/v1/admin/variants/4402', { productTitle: 'Storm Coat', title: 'M', mode: 'preorder', inventory: 0, preorderLimit: 50, eta: { earliest: '2026-04-01', latest: '2026-04-10' } });
  await ok('PUT', '/v1/admin/variants/4403', { productTitle: 'Lamp', title: 'Brass', mode: 'waitlist', inventory: 2, price: 90_000, currency: 'USD' });
  const signup = (body: Record<string, unknown>) => t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, ...body } });
  await signup({ variantId: '4401', email: email('jane') });
  await signup({ variantId: '4401', email: email('bob'), phone: '+14155550123', smsConsent: true });
  await signup({ variantId: '4401', email: email('eve') });
  await signup({ variantId: '4402', email: email('pat'), kind: 'preorder' });
  // A pending signup, for /confirm.
  await ok('PATCH', '/v1/admin/settings', { doubleOptIn: true });
  await signup({ variantId: '4401', email: email('carol') });
  await ok('PATCH', '/v1/admin/settings', { doubleOptIn: false });
  const restock = await ok('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await ok('POST', `/v1/admin/signups/${await signupId(t, shop.id, email('eve'))}/move-to-front`, { reason: 'fuzz fixture' });
  // Beyond stock and over the escalation threshold: a backorder line and an escalation.
  await ok('POST', '/v1/admin/orders', { id: `order-${opts.emailTag}`, email: email('olga'), currency: 'USD', total: 900_000, lineItems: [{ variantId: '4403', quantity: 10, price: 90_000 }] });
  const po = await ok('POST', '/v1/admin/purchase-orders', { supplier: `Supplier ${opts.emailTag}`, variantId: '4402', quantity: 20, quotedArrival: '2026-04-05' });
  await ok('POST', '/v1/admin/variants/4402/eta', { earliest: '2026-04-03', latest: '2026-04-12', reason: 'the ship is late' });
  await ok('POST', '/v1/admin/members', { email: email('mia'), role: 'staff', name: 'Mia' });
  await t.dispatch();
  return { ...shop, name, email, supplierName: `Supplier ${opts.emailTag}`, restockId: restock.restockId as number, purchaseOrderId: po.purchaseOrder.id as number, ...(await tokens(t, shop.id)) };
}

async function signupId(t: TestEnv, shopId: string, email: string): Promise<number> {
  return (await first<{ id: number }>(t.deps.db, sql`select s.id from signups s join contacts c on c.id = s.contact_id where s.shop_id = ${shopId} and c.email = ${email}`))!.id;
}

/** The shop's own ids and link tokens, read from the database as a message would carry them. */
export async function tokens(t: TestEnv, shopId: string) {
  const db = t.deps.db;
  const col = async <T>(column: string, table: string, where = sql``) =>
    (await rows<Record<string, T>>(db, sql`select ${sql.identifier(column)} from ${sql.identifier(table)} where shop_id = ${shopId} ${where} order by id`)).map((r) => r[column]!);
  // Confirmation links are stored hashed; their tokens are read from the messages that carry them.
  const props = await db.select({ props: messages.props }).from(messages).where(eq(messages.shopId, shopId)).orderBy(messages.id);
  const confirmUrls = props.map((m) => m.props.confirmUrl).filter((u): u is string => typeof u === 'string');
  return {
    signupTokens: await col<string>('token', 'signups'),
    pendingTokens: await col<string>('token', 'signups', sql`and status = 'pending'`),
    confirmTokens: confirmUrls.map((u) => u.slice(u.indexOf('/confirm/') + 9)),
    offerTokens: await col<string>('token', 'offers'),
    contactTokens: await col<string>('token', 'contacts'),
    backorderTokens: await col<string>('token', 'backorders'),
    backorderIds: await col<number>('id', 'backorders'),
    messageIds: await col<string>('public_id', 'messages'),
    signupIds: await col<number>('id', 'signups'),
    escalationIds: await col<number>('id', 'escalations'),
    supplierIds: await col<number>('id', 'suppliers'),
    memberIds: await col<number>('id', 'members'),
  };
}
