import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backorders, escalations } from '../../db/schema/index.ts';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const ETA = { earliest: '2026-03-20', latest: '2026-03-27' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const order = (shop: Shop, id: string, over: Record<string, unknown> = {}) =>
  shop.admin('POST', '/v1/admin/orders', {
    id,
    name: `#${id}`,
    email: `buyer-${id}@example.com`,
    currency: 'USD',
    total: 5000,
    lineItems: [{ variantId: '4401', quantity: 2, price: 2500 }],
    ...over,
  });

async function lineToken(shopId: string, orderId: string) {
  const [line] = await t.deps.db.select().from(backorders).where(eq(backorders.orderId, orderId));
  expect(line?.shopId).toBe(shopId);
  return line!;
}

const escalationRows = () => t.deps.db.select().from(escalations);

async function counts() {
  return { ...(await rowCounts(t)), escalations: (await escalationRows()).length };
}

/** A shop with a backordered order #1042 for 2 × Ocean Tee – S, and an in-stock alternative of the same type. */
async function backordered() {
  const shop = await shopWithVariant(t, { eta: ETA, productType: 'Shirts', imageUrl: 'https://cdn.acme.example/tee.png' });
  await shop.admin('PUT', '/v1/admin/variants/5501', { productTitle: 'Harbour Tee', title: 'S', productId: 'other', productType: 'Shirts', inventory: 8, price: 2500, currency: 'USD' });
  expect((await order(shop, '1042')).status).toBe(201);
  await t.dispatch();
  return { shop, line: await lineToken(shop.id, '1042') };
}

describe('GET /s/:token for a backorder line', () => {
  it('shows the order name, status, ETA range and its source, the timeline and the next update date', async () => {
    const { shop, line } = await backordered();
    t.clock.advance(3_600_000);
    const moved = await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-03-27', latest: '2026-04-03', reason: 'The ship is a week late.' });
    expect(moved.status).toBeLessThan(300);

    const res = await t.call('GET', `/s/${line.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = res.body as string;
    expect(html).toContain('Your order #1042');
    expect(html).toContain('2 × Ocean Tee – S');
    expect(html).toContain('Waiting for stock');
    expect(html).toContain('Expected between Mar 27, 2026 and Apr 3, 2026.');
    expect(html).toContain('The date was set by Acme Goods.');
    expect(html).toContain('https://cdn.acme.example/tee.png');
    // The timeline: newest first, from the rows that exist.
    const moves = html.indexOf('Expected date moved from Mar 20, 2026 – Mar 27, 2026 to Mar 27, 2026 – Apr 3, 2026. Reason: The ship is a week late.');
    const told = html.indexOf('We wrote to you: “Your order is in: Ocean Tee – S is on backorder”');
    const placed = html.indexOf('Order #1042 placed: 2 × Ocean Tee – S put on backorder');
    expect(moves).toBeGreaterThan(0);
    expect(told).toBeGreaterThan(moves);
    expect(placed).toBeGreaterThan(told);
    // The next update is the next cadence mail: the admin API's own date.
    const [listed] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect(listed.nextUpdateAt).toMatch(/^2026-03-05/);
    expect(html).toContain("We'll write again by Mar 5, 2026, sooner if anything changes.");
    // The actions policy allows: keep, switch to what is in stock, a call, and the cancel page (its own review rule).
    expect(html).toContain(`action="/s/${line.token}/keep"`);
    expect(html).toContain('Ask to switch to Harbour Tee – S');
    expect(html).toContain(`action="/s/${line.token}/call"`);
    expect(html).toContain(`href="/b/${line.token}"`);
  });

  it("says so honestly without an ETA, in the customer's language", async () => {
    const shop = await shopWithVariant(t, {});
    await shop.signup({ email: 'buyer-7@example.com', locale: 'fr' });
    await order(shop, '7');
    const line = await lineToken(shop.id, '7');
    expect(line.locale).toBe('fr');
    const html = (await t.call('GET', `/s/${line.token}`)).body as string;
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Votre commande #7');
    expect(html).toContain('En attente de stock');
    expect(html).toContain("Nous n'avons pas encore de date.");
  });

  it('after a restock says "being packed", and after shipment shows the carrier and the tracking link', async () => {
    const { shop, line } = await backordered();
    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 0 });
    expect(restock.body.allocation).toMatchObject({ backordersServed: 1 });
    let html = (await t.call('GET', `/s/${line.token}`)).body as string;
    expect(html).toContain('In stock, being packed');
    expect(html).toContain('In stock and set aside for you');
    expect(html).not.toContain('Waiting for stock');
    expect(html).not.toContain('/keep"');
    expect(html).not.toContain("We'll write again by");

    const shipped = await shop.admin('POST', `/v1/admin/backorders/${line.id}/fulfilled`, { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://www.ups.com/track?tracknum=1Z999' });
    expect(shipped.status).toBe(200);
    html = (await t.call('GET', `/s/${line.token}`)).body as string;
    expect(html).toContain('On its way');
    expect(html).toContain('Parcel: UPS 1Z999');
    expect(html).toContain('href="https://www.ups.com/track?tracknum=1Z999"');
    expect(html).toContain('Shipped');
    expect(html).not.toContain('/call"');
  });

  it('a GET changes nothing; a malformed token is a 400 page and an unknown one a 404 page', async () => {
    const { line } = await backordered();
    const before = await counts();
    for (let i = 0; i < 3; i++) expect((await t.call('GET', `/s/${line.token}`)).status).toBe(200);
    expect(await counts()).toEqual(before);
    const bad = await t.call('GET', '/s/short');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('This link is incomplete');
    const unknown = await t.call('GET', `/s/${'x'.repeat(22)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('This link is not valid.');
  });
});

describe('POST actions on the status page', () => {
  it.each([
    ['switch', 'switch_request', 'A person from Acme Goods will confirm the change to your order with you.'],
    ['call', 'call_request', 'A person from Acme Goods will call you.'],
  ] as const)('%s opens exactly one escalation, however often it is asked', async (action, kind, note) => {
    const { line } = await backordered();
    const first = await t.call('POST', `/s/${line.token}/${action}`, { raw: '', headers: form });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/s/${line.token}?note=${action === 'switch' ? 'switched' : 'called'}`);
    expect((await t.call('POST', `/s/${line.token}/${action}`, { raw: '', headers: form })).status).toBe(303);
    const rows = (await escalationRows()).filter((e) => e.kind === kind);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orderId: '1042', status: 'open', contactId: line.contactId });
    if (kind === 'switch_request') {
      expect(rows[0]!.summary).toContain('#1042');
      expect(rows[0]!.summary).toContain('Ocean Tee – S');
      expect(rows[0]!.summary).toContain('Harbour Tee – S');
      expect(rows[0]!.recommendedAction).toBe('Confirm the change with the customer and edit the order.');
    }
    const page = (await t.call('GET', first.headers.get('location')!)).body as string;
    expect(page).toContain(note);
  });

  it('keep waiting records nothing and answers with the next update date', async () => {
    const { line } = await backordered();
    const before = await counts();
    const res = await t.call('POST', `/s/${line.token}/keep`, { raw: '', headers: form });
    expect(res.status).toBe(303);
    expect(await counts()).toEqual(before);
    expect((await t.call('GET', res.headers.get('location')!)).body).toContain("Thanks for waiting. We'll keep you posted by Mar 5, 2026.");
  });

  it('refuses a switch with nothing in stock to switch to, and opens nothing', async () => {
    const shop = await shopWithVariant(t, { eta: ETA });
    await order(shop, '9');
    const line = await lineToken(shop.id, '9');
    expect((await t.call('GET', `/s/${line.token}`)).body).not.toContain('/switch"');
    expect((await t.call('POST', `/s/${line.token}/switch`, { raw: '', headers: form })).status).toBe(409);
    expect(await escalationRows()).toHaveLength(0);
  });
});

describe('GET /s/:token for a place', () => {
  it('shows "#k in line", the ETA range, the timeline and the leave link', async () => {
    const shop = await shopWithVariant(t, { eta: ETA });
    await shop.signup({ email: 'first@example.com' });
    const second = await shop.signup({ email: 'second@example.com' });
    expect(second.status).toBe(201);
    const res = await t.call('GET', `/s/${second.body.signup.token}`);
    expect(res.status).toBe(200);
    const html = res.body as string;
    expect(html).toContain("You're #2 in line for Ocean Tee – S.");
    expect(html).toContain('Expected between Mar 20, 2026 and Mar 27, 2026.');
    expect(html).toContain('Joined the waitlist for Ocean Tee – S');
    expect(html).toMatch(new RegExp(`href="https://waitline\\.test/u/[\\w-]+\\?s=${second.body.signup.token}"`));
  });

  it('an offered place shows its hold and claim link, then how the hold ended', async () => {
    const shop = await shopWithVariant(t, {});
    const place = await shop.signup({ email: 'first@example.com' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    let html = (await t.call('GET', `/s/${place.body.signup.token}`)).body as string;
    expect(html).toMatch(/Ocean Tee – S is held for you until/);
    expect(html).toMatch(/href="https:\/\/waitline\.test\/claim\/[\w-]+"/);
    expect(html).toMatch(/Ocean Tee – S held for you until/);
    t.clock.advance(25 * 3_600_000);
    await runJobs(t);
    html = (await t.call('GET', `/s/${place.body.signup.token}`)).body as string;
    expect(html).not.toContain('/claim/');
    expect(html).toContain('The hold ended');
  });
});

describe('security', () => {
  it("one shop's token never shows another shop's data, and actions touch only that line", async () => {
    const { line } = await backordered();
    const other = await t.createShop('Other Store');
    await other.admin('PUT', '/v1/admin/variants/4401', { productTitle: 'Secret Jacket', title: 'L', mode: 'waitlist', inventory: 0, price: 9900, currency: 'USD' });
    await other.admin('POST', '/v1/admin/orders', { id: '2001', name: '#2001', email: 'other@example.com', currency: 'USD', total: 9900, lineItems: [{ variantId: '4401', quantity: 1, price: 9900 }] });
    const html = (await t.call('GET', `/s/${line.token}`)).body as string;
    expect(html).not.toMatch(/Other Store|Secret Jacket|#2001|other@example/);
    await t.call('POST', `/s/${line.token}/call`, { raw: '', headers: form });
    const rows = await escalationRows();
    expect(rows.map((e) => [e.shopId, e.orderId])).toEqual([[line.shopId, '1042']]);
  });

  it('a place token cannot drive backorder actions', async () => {
    const shop = await shopWithVariant(t, {});
    const place = await shop.signup({ email: 'first@example.com' });
    for (const action of ['keep', 'switch', 'call']) {
      expect((await t.call('POST', `/s/${place.body.signup.token}/${action}`, { raw: '', headers: form })).status).toBe(404);
    }
    expect(await escalationRows()).toHaveLength(0);
    expect((await allMessages(t)).map((m) => m.template)).toEqual(['signup-confirmation']);
  });
});
