import { createHash, createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { setup, type TestEnv } from '../helpers.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';

/**
 * The OAuth install: a ticket from the dashboard, the redirect to Shopify's
 * grant screen, and Shopify's signed redirect back
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant).
 */

const STORE = 'stub-store.myshopify.com';
let t: TestEnv;
let stub: ShopifyStub;
beforeEach(async () => {
  stub = await startShopifyStub('shpat_unused_token_0001');
  t = await setup({ SHOPIFY_API_ORIGIN: stub.url, WAITLINE_CONNECT_TICKET_MS: '600000' });
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

const connections = async () => (await first<{ n: number }>(t.deps.db, sql`select count(*) as n from connections`))!.n;

/** Shopify's redirect after the merchant approved: its parameters, signed as Shopify signs them. */
function shopifyRedirect(state: string, over: Record<string, string> = {}, secret = stub.client.secret) {
  const params = new URLSearchParams({ code: 'code-1', host: 'YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc3R1Yi1zdG9yZQ', shop: STORE, state, timestamp: '1772452800', ...over });
  const message = [...params.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  params.set('hmac', createHmac('sha256', secret).update(message).digest('hex'));
  return `/connect/shopify/callback?${params}`;
}

async function ticketFor(shop: Awaited<ReturnType<TestEnv['createShop']>>) {
  const res = await shop.admin('POST', '/v1/admin/connections/shopify/ticket', { shop: STORE, clientId: stub.client.id, clientSecret: stub.client.secret });
  expect(res.status).toBe(201);
  return res.body as { ticket: string; installUrl: string };
}

describe('the OAuth install', () => {
  it('ticket → Shopify’s grant screen → a verified callback connects the store, once', async () => {
    const shop = await t.createShop();
    const { ticket, installUrl } = await ticketFor(shop);
    expect(installUrl).toBe(`https://waitline.test/connect/shopify?shop=${STORE}&ticket=${ticket}`);
    const start = await t.call('GET', installUrl.replace('https://waitline.test', ''));
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${stub.url}/admin/oauth/authorize`);
    const state = createHash('sha256').update(ticket).digest('hex');
    expect(Object.fromEntries(to.searchParams)).toEqual({
      client_id: stub.client.id,
      scope: 'read_products,read_inventory,write_inventory,read_orders,write_orders,read_fulfillments',
      redirect_uri: 'https://waitline.test/connect/shopify/callback',
      state,
    });
    // Opening the link again changes nothing: it only reads the ticket.
    expect((await t.call('GET', installUrl.replace('https://waitline.test', ''))).status).toBe(302);

    stub.codes.add('code-1');
    const back = await t.call('GET', shopifyRedirect(state));
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('https://waitline.test/admin/connect');
    const listed = (await shop.admin('GET', '/v1/admin/connections')).body.connections;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ account: STORE, method: 'oauth', status: 'connected' });
    expect(stub.webhooks).toHaveLength(7);

    // The same redirect again (a replay, a reload) finds the ticket spent.
    const again = await t.call('GET', shopifyRedirect(state));
    expect(again.status).toBe(400);
    expect(again.body.error.field).toBe('state');
  });

  it('refuses a redirect Shopify did not sign, and keeps the ticket for the real one', async () => {
    const shop = await t.createShop();
    const { ticket } = await ticketFor(shop);
    const state = createHash('sha256').update(ticket).digest('hex');
    stub.codes.add('code-1');
    const forged = await t.call('GET', shopifyRedirect(state, {}, 'not-the-client-secret'));
    expect(forged.status).toBe(400);
    expect(forged.body.error.field).toBe('hmac');
    expect(await connections()).toBe(0);
    expect((await t.call('GET', shopifyRedirect(state))).status).toBe(302);
    expect(await connections()).toBe(1);
  });

  it('refuses an unknown or expired ticket, another store’s link, and tickets without the secret key', async () => {
    const shop = await t.createShop();
    const { ticket } = await ticketFor(shop);
    expect((await t.call('GET', `/connect/shopify?shop=other.myshopify.com&ticket=${ticket}`)).status).toBe(400);
    expect((await t.call('GET', `/connect/shopify?shop=${STORE}&ticket=made-up`)).status).toBe(400);
    expect((await t.call('GET', `/connect/shopify?shop=evil.example&ticket=${ticket}`)).body.error.field).toBe('shop');
    t.clock.advance(600_001);
    const late = await t.call('GET', `/connect/shopify?shop=${STORE}&ticket=${ticket}`);
    expect(late.status).toBe(400);
    expect(late.body.error.field).toBe('ticket');
    expect((await t.call('POST', '/v1/admin/connections/shopify/ticket', { body: { shop: STORE, clientId: 'x'.repeat(10), clientSecret: 'y'.repeat(10) } })).status).toBe(401);
  });

  it('a code Shopify will not exchange sends the merchant back to the Connect page with the reason, and stores nothing', async () => {
    const shop = await t.createShop();
    const { ticket } = await ticketFor(shop);
    const back = await t.call('GET', shopifyRedirect(createHash('sha256').update(ticket).digest('hex'), { code: 'never-issued' }));
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toMatch(/^https:\/\/waitline\.test\/admin\/connect#error=/);
    expect(await connections()).toBe(0);
    expect(stub.webhooks).toEqual([]);
  });
});
