import { and, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { platformReservations } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { reconcile } from '../../server/services/reconcile.ts';
import { allMessages, runJobs, type TestEnv } from '../helpers.ts';
import type { ShopifyStub } from '../stubs/shopify-stub.ts';
import { connectedStore, LOCATION, STORE, type ConnectedStore } from './connected-store.ts';

/*
 * Issue 19, point 5: while a unit is held it is out of Shopify's sellable stock
 * (inventoryMoveQuantities available → reserved), so a quick-add, a cart
 * permalink or a bot cannot buy it. The holder's claim gives it back for the
 * checkout; expiry passes it on, or back to `available` when the line is empty;
 * reconciliation adds our reservation back so it never reads as a sale. A
 * connected store, a stub answering like the Admin API, and every webhook
 * signed through POST /webhooks/shopify.
 */
const TOKEN = 'shpat_reserve_test_token';
const HOUR = 3_600_000;

const store = connectedStore(TOKEN);
let t: TestEnv;
let stub: ShopifyStub;
let shop: ConnectedStore['shop'];
let variantId: string;
let itemId: string;
beforeEach(() => void ({ t, stub, shop, variantId, itemId } = store));
const { webhook } = store;

/** Shopify tells us the location's `available`, as it does after every change there (ours included). */
const levelWebhook = () =>
  webhook('inventory_levels/update', { inventory_item_id: Number(itemId), location_id: Number(LOCATION), available: stub.quantities(itemId, LOCATION).available, updated_at: store.stamp() });

/** The store receives `units` more: its level webhook restocks the line. */
async function receive(units: number) {
  const q = stub.quantities(itemId, LOCATION);
  stub.setQuantities(itemId, LOCATION, { available: q.available + units });
  await levelWebhook();
}

const join = (email: string) => t.call('POST', '/v1/storefront/signups', { body: { key: shop.pk, variantId, email } });
const ledger = async () => (await t.deps.db.select().from(platformReservations).where(and(eq(platformReservations.shopId, shop.id), eq(platformReservations.variantId, variantId))))[0];
const variant = async () => (await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === variantId);
const offerOf = async (email: string) => (await allMessages(t)).find((m) => m.template === 'offer' && m.to === email);
/** The claim link of the hold a place has now (the one its offer email carries). */
const claimUrl = async (signupToken: string) => (await t.call('GET', `/v1/storefront/signups/${signupToken}`)).body.signup.offer.claimUrl as string;
const claimPath = (url: string) => new URL(url).pathname;

describe('holds the store respects', () => {
  it('a held unit is reserved on Shopify: a quick-add cannot take it, our own move is not read as a sale, and the holder can buy it', async () => {
    const first = (await join('first@example.com')).body.signup.token;
    await join('second@example.com');
    await receive(1);
    expect(await offerOf('first@example.com')).toBeDefined();
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });
    expect(await ledger()).toMatchObject({ reserved: 1, locationId: LOCATION, pendingKey: null, error: null });
    expect(stub.moves).toHaveLength(1);
    expect(stub.moves[0]!.input).toMatchObject({ reason: 'reservation_created', changes: [{ quantity: 1, from: { name: 'available' }, to: { name: 'reserved' } }] });
    expect((await shop.admin('GET', '/v1/admin/connections')).body.connections[0].reservations).toEqual({ units: 1, variants: 1, problems: [] });

    // The race: a theme's quick-add (or a bot) tries to buy the held unit.
    expect(stub.purchase(itemId, LOCATION, 1)).toBe(false);

    // Shopify reports available 0 after our move, and reconciliation reads the same: neither is a sale.
    await levelWebhook();
    await reconcile(t.deps);
    expect(await variant()).toMatchObject({ inventory: 1, activeHolds: 1, available: 0 });
    expect((await allMessages(t)).map((m) => m.template)).not.toContain('offer-withdrawn');

    // The holder follows the claim link: the unit is back on sale by the time they reach the cart, and they buy it.
    const claim = await t.call('GET', claimPath(await claimUrl(first)));
    expect(claim.status).toBe(302);
    expect(claim.headers.get('location')).toMatch(new RegExp(`^https://${STORE}/cart/${variantId}:1\\?`));
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 1, reserved: 0 });
    await runJobs(t);
    expect(stub.moves).toHaveLength(2);
    expect(stub.purchase(itemId, LOCATION, 1)).toBe(true);
    const token = (await claimUrl(first)).split('/').pop();
    await webhook('orders/create', {
      id: 820982911946154500,
      email: 'first@example.com',
      currency: 'USD',
      total_price: '10.99',
      created_at: store.stamp(),
      line_items: [{ variant_id: Number(variantId), quantity: 1, price: '10.99' }],
      note_attributes: [{ name: 'waitline_hold', value: token }],
    });
    await levelWebhook();
    expect(await variant()).toMatchObject({ inventory: 0, activeHolds: 0 });
    expect(await ledger()).toMatchObject({ reserved: 0, pendingKey: null });
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 0 });
    expect((await allMessages(t)).filter((m) => m.template === 'backorder-ack')).toEqual([]);
    expect((await shop.admin('GET', '/v1/admin/analytics/funnel')).body).toMatchObject({ purchased: 1, direct: 1 });
  });

  it('expiry passes the reservation to the next in line; with the line empty the unit goes back on sale', async () => {
    await join('first@example.com');
    await join('second@example.com');
    await receive(1);
    expect(stub.moves).toHaveLength(1);
    t.clock.advance(25 * HOUR);
    await runJobs(t);
    expect(await offerOf('second@example.com')).toBeDefined();
    // The unit stays reserved: nothing moves between two holders.
    expect(stub.moves).toHaveLength(1);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });

    t.clock.advance(25 * HOUR);
    await runJobs(t);
    expect(stub.moves).toHaveLength(2);
    expect(stub.moves[1]!.input).toMatchObject({ reason: 'reservation_deleted', changes: [{ quantity: 1, from: { name: 'reserved' }, to: { name: 'available' } }] });
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 1, reserved: 0 });
    expect(await variant()).toMatchObject({ inventory: 1, activeHolds: 0, available: 1 });
  });

  it('a click lifts the reservation for the checkout window only: with no order, the unit is reserved again', async () => {
    const first = (await join('first@example.com')).body.signup.token;
    await receive(1);
    await t.call('GET', claimPath(await claimUrl(first)));
    await runJobs(t);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 1, reserved: 0 });
    t.clock.advance(30 * 60_000);
    await runJobs(t);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });
    expect(await ledger()).toMatchObject({ reserved: 1, moves: 3 });
  });

  it('a unit sold before its hold reached the store is not reserved twice over, and the merchant is told why', async () => {
    await join('first@example.com');
    // The bot's purchase lands between our restock and the reservation job.
    stub.setQuantities(itemId, LOCATION, { available: 1 });
    await levelWebhookWithoutJobs();
    expect(stub.purchase(itemId, LOCATION, 1)).toBe(true);
    await runJobs(t);
    expect(stub.moves).toEqual([]);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 0 });
    expect((await ledger())!.error).toMatch(/sold/);
    const [shown] = (await shop.admin('GET', '/v1/admin/connections')).body.connections[0].reservations.problems;
    expect(shown).toMatchObject({ variantId, error: expect.stringMatching(/sold/) });
  });

  it('a move asked for before a kill is asked again with the same key, and Shopify does it once', async () => {
    await join('first@example.com');
    stub.setQuantities(itemId, LOCATION, { available: 1 });
    await levelWebhookWithoutJobs();
    // The job planned its move and Shopify did it; the process died before the ledger said so.
    const key = 'waitline-reserve-crash-test-1';
    await transaction(t.deps.db, (tx) =>
      tx
        .insert(platformReservations)
        .values({ shopId: shop.id, variantId, inventoryItemId: itemId, reserved: 0, moves: 1, pendingKey: key, pendingDelta: 1, pendingLocationId: LOCATION, pendingAt: t.clock.now(), updatedAt: t.clock.now() }),
    );
    const admin = store.admin();
    const move = { inventoryItemId: itemId, locationId: LOCATION, quantity: 1, from: 'available' as const, to: 'reserved' as const, referenceDocumentUri: `gid://waitline/Variant/${variantId}`, ledgerDocumentUri: `gid://waitline/Reservation/${key}`, idempotencyKey: key };
    await admin.moveQuantities(move);
    // While the move is in flight, a level report is not recorded: it may or may not count the move.
    await levelWebhookWithoutJobs();
    expect(await variant()).toMatchObject({ inventory: 1 });

    await runJobs(t);
    expect(stub.moves).toHaveLength(1);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 0, reserved: 1 });
    expect(await ledger()).toMatchObject({ reserved: 1, pendingKey: null, locationId: LOCATION });
    expect(await variant()).toMatchObject({ inventory: 1, activeHolds: 1 });
  });
});

describe('disconnecting', () => {
  it('the merchant disconnects: every reserved unit goes back on sale before the token is put away', async () => {
    await join('first@example.com');
    await receive(2);
    await join('second@example.com');
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 1, reserved: 1 });
    expect((await shop.admin('DELETE', '/v1/admin/connections/shopify')).status).toBe(204);
    expect(stub.quantities(itemId, LOCATION)).toEqual({ available: 2, reserved: 0 });
    expect(await ledger()).toBeUndefined();
    expect(stub.moves.map((m) => m.input.reason)).toEqual(['reservation_created', 'reservation_deleted']);
  });
});

/** The level webhook stored and its restock run, but no reservation job yet: what a kill right after the restock leaves. */
async function levelWebhookWithoutJobs() {
  const body = { inventory_item_id: Number(itemId), location_id: Number(LOCATION), available: stub.quantities(itemId, LOCATION).available, updated_at: store.stamp() };
  expect((await store.deliver('inventory_levels/update', body)).status).toBe(200);
  const { processShopifyEvent } = await import('../../server/services/webhooks/shopify.ts');
  const [event] = await rows<{ id: number }>(t.deps.db, sql`select id from webhook_events order by id desc limit 1`);
  await processShopifyEvent(t.deps, Number(event!.id));
}
