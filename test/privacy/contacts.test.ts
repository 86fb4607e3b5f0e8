import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first, rows } from '../../db/raw.ts';
import twilio from 'twilio';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL, WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const JANE = { email: 'jane@example.com', phone: '+14155550123' };
const HOOKS = { url: 'https://hooks.acme.example/in', secret: `whsec_${Buffer.from('k'.repeat(24)).toString('base64')}`, events: ['signup.created', 'signup.purchased', 'escalation.created'] };

async function text(from: string, body: string, sid: string) {
  const params = { MessageSid: sid, From: from, To: '+15005550006', Body: body };
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
  const res = await t.call('POST', '/webhooks/twilio/inbound', { raw: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
  expect(res.status).toBe(200);
}

/**
 * Jane joins two lines (email and phone), is offered and buys one, places an
 * order over the escalation threshold that is partly backordered, texts an
 * unhappy reply, and a merchant moved her place; Bob shares nothing with her.
 */
async function world() {
  const shop = await shopWithVariant(t, {}, { quietHours: null, webhooks: HOOKS });
  await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Vase', title: 'Blue', inventory: 0, price: 4000, currency: 'USD' });
  await shop.admin('PUT', '/v1/admin/variants/4403', { productTitle: 'Lamp', title: 'Brass', inventory: 0, price: 60_000, currency: 'USD' });
  await shop.signup({ email: 'bob@example.com' });
  await shop.signup({ ...JANE, smsConsent: true });
  const waiting = (await shop.signup({ ...JANE, smsConsent: true, variantId: '4402' })).body.signup;
  // A new number asked for her (waiting for her to confirm it from her inbox).
  await shop.signup({ email: JANE.email, phone: '+14155550777', smsConsent: true, variantId: '4402' });
  const janeId = (await shop.admin('GET', '/v1/admin/signups?variantId=4401')).body.signups.find((s: { email: string }) => s.email === JANE.email).id;
  await shop.admin('POST', `/v1/admin/signups/${janeId}/move-to-front`, { reason: 'Jane Doe phoned, VIP' });
  await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
  await t.dispatch();
  await shop.admin('POST', '/v1/admin/orders', { id: 'o-1', email: 'JANE@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
  await shop.admin('POST', '/v1/admin/orders', { id: 'o-2', email: JANE.email, currency: 'USD', total: 120_000, lineItems: [{ variantId: '4403', quantity: 2, price: 60_000 }] });
  await text(JANE.phone, 'This is ridiculous and awful, where is my lamp?', 'SM0001');
  await text('+14155550199', 'Awful, terrible service', 'SM0002');
  await t.dispatch();
  return { shop, waiting };
}

const funnel = async (shop: { admin: (m: string, p: string) => Promise<{ body: unknown }> }) => (await shop.admin('GET', '/v1/admin/analytics/funnel?from=2026-01-01&to=2026-12-31')).body;

describe('GET /v1/admin/contacts/export', () => {
  it('returns everything held about one contact: places, offers, orders, messages, escalations, inbound texts and webhook events', async () => {
    const { shop } = await world();
    const res = await shop.admin('GET', `/v1/admin/contacts/export?email=${encodeURIComponent('Jane@Example.com')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const x = res.body;
    expect(x.contact).toMatchObject({ email: JANE.email, phone: JANE.phone, ordersCount: 2, locale: 'en', smsConsentAt: '2026-03-02T12:00:00.000Z' });
    expect(x.places.map((p: { variantId: string; status: string; item: string }) => [p.variantId, p.status, p.item])).toEqual([
      ['4401', 'purchased', 'Ocean Tee — S'],
      ['4402', 'waiting', 'Vase — Blue'],
    ]);
    expect(x.places[0].queueActions).toEqual([expect.objectContaining({ action: 'move_to_front', reason: 'Jane Doe phoned, VIP' })]);
    expect(x.places[0].offers).toHaveLength(1);
    expect(x.places[0].purchase).toMatchObject({ orderId: 'o-1', revenue: 2500 });
    expect(x.places[1].position).toBe(1);
    expect(x.orders.map((o: { id: string }) => o.id).sort()).toEqual(['o-1', 'o-2']);
    expect(x.backorders).toEqual([expect.objectContaining({ orderId: 'o-2', quantity: 2 })]);
    // Every message, as sent: both channels, with the rendered parts and headers.
    expect(x.messages.length).toBeGreaterThanOrEqual(4);
    expect(new Set(x.messages.map((m: { to: string }) => m.to))).toEqual(new Set([JANE.email, JANE.phone]));
    const email = x.messages.find((m: { channel: string }) => m.channel === 'email');
    expect(email.html).toContain('Ocean Tee');
    expect(email.headers['List-Unsubscribe']).toMatch(/^<https:\/\//);
    expect(x.escalations.map((e: { kind: string }) => e.kind).sort()).toEqual(['negative_reply', 'order_value']);
    expect(x.inbound).toEqual([expect.objectContaining({ source: 'twilio', topic: 'inbound', payload: expect.objectContaining({ From: JANE.phone, Body: 'This is ridiculous and awful, where is my lamp?' }) })]);
    expect(x.webhookDeliveries.map((d: { event: string }) => d.event)).toContain('signup.created');
    // Nothing about Bob or the other texter.
    expect(JSON.stringify(x)).not.toMatch(/bob@example\.com|\+14155550199/);
  });

  it('finds a contact by phone too', async () => {
    const { shop } = await world();
    const res = await shop.admin('GET', `/v1/admin/contacts/export?phone=${encodeURIComponent('+1 415 555 0123')}`);
    expect(res.status).toBe(200);
    expect(res.body.contact.email).toBe(JANE.email);
  });

  it.each([
    ['neither', '', 400],
    ['both', `?email=${JANE.email}&phone=${encodeURIComponent(JANE.phone)}`, 400],
    ['a bad email', '?email=not-an-email', 400],
    ['a bad phone', '?phone=12', 400],
    ['an unknown field', `?email=${JANE.email}&name=Jane`, 400],
    ['nobody by that address', '?email=nobody@example.com', 404],
  ])('%s (%s): %i in the error shape', async (_name, query, status) => {
    const { shop } = await world();
    const res = await shop.admin('GET', `/v1/admin/contacts/export${query}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(status === 404 ? 'not_found' : 'invalid_request');
  });

  it("another shop's key finds nothing: 404, and no data", async () => {
    await world();
    const other = await t.createShop('Other');
    const res = await other.admin('GET', `/v1/admin/contacts/export?email=${JANE.email}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(JANE.phone);
  });
});

describe('POST /v1/admin/contacts/erase', () => {
  it('removes her personal data everywhere, keeps counts and revenue, cancels her places, and tells what it erased', async () => {
    const { shop, waiting } = await world();
    const before = await funnel(shop);
    const tables = ['contacts', 'contact_confirmations', 'messages', 'escalations', 'webhook_events', 'webhook_deliveries', 'queue_actions', 'orders', 'backorders', 'signups', 'offers', 'jobs'];
    const dump = async () => {
      const all = [];
      for (const n of tables) all.push(await rows(t.deps.db, sql`select * from ${sql.identifier(n)}`));
      return JSON.stringify(all);
    };
    expect(await dump()).toContain(JANE.email);

    const res = await shop.admin('POST', '/v1/admin/contacts/erase', { email: JANE.email });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ erased: 1, signupsCancelled: 1, escalations: 2, queueActions: 1, inboundPayloads: 1 });
    expect(res.body.messages).toBeGreaterThanOrEqual(4);
    expect(res.body.webhookDeliveries).toBeGreaterThanOrEqual(1);

    const after = await dump();
    for (const trace of [JANE.email, JANE.phone, 'jane@', '4155550123', '4155550777', 'where is my lamp', 'Jane Doe']) expect(after, trace).not.toContain(trace);
    // Bob and the other texter are untouched.
    expect(after).toContain('bob@example.com');
    expect(after).toContain('+14155550199');
    expect(await funnel(shop)).toEqual(before);
    expect((await t.call('GET', `/v1/storefront/signups/${waiting.token}`)).body.signup.status).toBe('cancelled');
    const row = await first(t.deps.db, sql`select email, phone, erased_at, orders_count from contacts where id = ${res.body.contactId}`);
    expect(row).toEqual({ email: null, phone: null, erased_at: t.clock.now().getTime(), orders_count: 2 });

    // Nothing is held any more: export and a second erase find no one.
    expect((await shop.admin('GET', `/v1/admin/contacts/export?email=${JANE.email}`)).status).toBe(404);
    expect((await shop.admin('GET', `/v1/admin/contacts/export?phone=${encodeURIComponent(JANE.phone)}`)).status).toBe(404);
    expect((await shop.admin('POST', '/v1/admin/contacts/erase', { email: JANE.email })).status).toBe(404);
  });

  it('never messages her again: what was queued is suppressed, and a restock offers the next in line', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ ...JANE, smsConsent: true });
    await shop.signup({ email: 'bob@example.com' });
    expect((await shop.admin('POST', '/v1/admin/contacts/erase', { phone: JANE.phone })).body.signupsCancelled).toBe(1);
    await t.dispatch();
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    await t.dispatch();
    const sent = await rows<{ to: string; status: string; template: string }>(t.deps.db, sql`select "to", status, template from messages order by id`);
    expect(sent.filter((m) => m.to === '')).not.toHaveLength(0);
    expect(sent.filter((m) => m.to === '').every((m) => m.status === 'suppressed')).toBe(true);
    expect(sent.filter((m) => m.template.startsWith('offer')).map((m) => m.to)).toEqual(['bob@example.com']);
  });

  it.each([
    ['neither', {}],
    ['both', JANE],
    ['a bad email', { email: 'jane' }],
    ['an unknown field', { email: JANE.email, reason: 'asked' }],
  ])('%s: 400 and nothing changes', async (_name, body) => {
    const { shop } = await world();
    const before = await first(t.deps.db, sql`select count(*) as n from contacts where email is not null`);
    const res = await shop.admin('POST', '/v1/admin/contacts/erase', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(await first(t.deps.db, sql`select count(*) as n from contacts where email is not null`)).toEqual(before);
  });

  it("another shop's key cannot erase her: 404, and her data stays", async () => {
    await world();
    const other = await t.createShop('Other');
    expect((await other.admin('POST', '/v1/admin/contacts/erase', { email: JANE.email })).status).toBe(404);
    expect(await first(t.deps.db, sql`select count(*) as n from contacts where email = ${JANE.email}`)).toEqual({ n: 1 });
  });
});
