import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, killed, startServer } from '../child-server.ts';
import { generateCatalog, startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifySign } from '../webhooks/helpers.ts';
import { crashScene } from './scene.ts';

/*
 * A server killed while Shopify is moving a held unit to `reserved`: the store
 * did the move, the server never heard back. After a restart the job asks again
 * with the same idempotency key, Shopify replays its answer, and the unit is
 * reserved once: nothing lost, nothing twice.
 */
const STORE = 'stub-store.myshopify.com';
const LOCATION = '71234567890';

describe('a server killed in the middle of a reservation', () => {
  const scene = crashScene();
  let stub: ShopifyStub;
  beforeAll(async () => {
    stub = await startShopifyStub('shpat_crash_reserve');
    stub.products = generateCatalog(1, 1);
    stub.products[0]!.variants[0]!.inventoryQuantity = 0;
    stub.setQuantities(stub.products[0]!.variants[0]!.inventoryItemId, LOCATION, { available: 0, reserved: 0 });
  });
  afterAll(() => stub.close());

  it('asks again with the same key after the restart, and the store moves the unit once', async () => {
    const [variant] = stub.products[0]!.variants;
    const itemId = variant!.inventoryItemId;
    const env = await scene.serverEnv({ SHOPIFY_API_ORIGIN: stub.url });
    const { api, createShop } = client(env);
    scene.child = await startServer(env);
    const { sk, pk } = await createShop();
    expect((await api('/v1/admin/connections/shopify', { method: 'PUT', token: sk, body: { shop: STORE, clientId: stub.client.id, clientSecret: stub.client.secret } })).status).toBe(200);
    await expect.poll(async () => (await api('/v1/admin/connections', { token: sk })).body.connections[0].catalog.status, { timeout: 20_000 }).toBe('done');
    expect((await api('/v1/storefront/signups', { method: 'POST', body: { key: pk, variantId: variant!.id, email: 'held@example.com' } })).status).toBe(201);

    // One unit arrives; the store reports it. The reservation job's move is done by the store and never answered.
    stub.stallMoves = true;
    stub.setQuantities(itemId, LOCATION, { available: 1 });
    const raw = JSON.stringify({ inventory_item_id: Number(itemId), location_id: Number(LOCATION), available: 1, updated_at: new Date().toISOString() });
    const delivered = await fetch(`${env.PUBLIC_URL}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'inventory_levels/update', 'x-shopify-shop-domain': STORE, 'x-shopify-webhook-id': 'crash-reserve-1', 'x-shopify-hmac-sha256': shopifySign(raw, stub.client.secret) },
      body: raw,
    });
    expect(delivered.status).toBe(200);
    await expect.poll(() => stub.moves.length, { timeout: 20_000 }).toBe(1);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });
    await killed(scene.child);

    stub.stallMoves = false;
    const asked = () => stub.requests.filter((r) => r.operation === 'inventoryMoveQuantities').length;
    expect(asked()).toBe(1);
    scene.child = await startServer(env);
    await expect.poll(async () => (await api('/v1/admin/connections', { token: sk })).body.connections[0].reservations, { timeout: 30_000 }).toEqual({ units: 1, variants: 1, problems: [] });
    // Reserved once, and recorded: a new key would have found nothing left to move (available 0) and noted a refusal.
    // Give a wrongly repeated move the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(asked()).toBe(2);
    expect(stub.moves).toHaveLength(1);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });
    const [line] = (await api('/v1/admin/variants', { token: sk })).body.variants;
    expect(line).toMatchObject({ inventory: 1, activeHolds: 1, available: 0 });
  }, 90_000);
});
