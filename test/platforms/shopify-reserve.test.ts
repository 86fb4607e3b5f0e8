import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVENTORY_QUERY } from '../../server/platforms/shopify/inventory.ts';
import type { ShopifyAdmin } from '../../server/platforms/shopify/admin.ts';
import { MOVE_QUANTITIES_MUTATION, moveVariables, type QuantityMove } from '../../server/platforms/shopify/reserve.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifyFailure, stubAdmin } from './stub-admin.ts';

const SHOP = 'stub-store.myshopify.com';
const TOKEN = 'shpat_admin_token_for_tests';
const ITEM = '46012345678901';
const LOCATION = '71234567890';

let stub: ShopifyStub;
let admin: ShopifyAdmin;
let waits: number[];

beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  ({ admin, waits } = stubAdmin(stub, SHOP, TOKEN));
  stub.setQuantities(ITEM, LOCATION, { available: 3, reserved: 0 });
});
afterEach(() => stub.close());

const hold = (over: Partial<QuantityMove> = {}): QuantityMove => ({
  inventoryItemId: ITEM,
  locationId: LOCATION,
  quantity: 1,
  from: 'available',
  to: 'reserved',
  referenceDocumentUri: 'gid://waitline/Hold/1',
  ledgerDocumentUri: 'gid://waitline/HoldLedger/1',
  idempotencyKey: 'hold-1-reserve',
  ...over,
});
const release = (over: Partial<QuantityMove> = {}) => hold({ from: 'reserved', to: 'available', idempotencyKey: 'hold-1-release', ...over });

const failure = shopifyFailure;

const moveCalls = () => stub.requests.filter((r) => r.operation === 'inventoryMoveQuantities').length;

describe('moveQuantities', () => {
  it('moves a unit available → reserved and back, as the inventory query then reports', async () => {
    const reserved = await admin.moveQuantities(hold());
    expect(reserved.adjustmentGroupId).toMatch(/^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 2, reserved: 1 });

    // Reconciliation reads `available` from the same state; a query naming "reserved" gets it too.
    const read = await admin.graphql<{ nodes: Array<{ inventoryLevels: { edges: Array<{ node: { quantities: Array<{ name: string; quantity: number }> } }> } }> }>(
      INVENTORY_QUERY.replace('names: ["available"]', 'names: ["available", "reserved"]'),
      { ids: [`gid://shopify/InventoryItem/${ITEM}`] },
    );
    expect(read.nodes[0]!.inventoryLevels.edges[0]!.node.quantities).toEqual([
      { name: 'available', quantity: 2 },
      { name: 'reserved', quantity: 1 },
    ]);

    await admin.moveQuantities(release());
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 3, reserved: 0 });
    expect(stub.moves.map((m) => [m.key, m.input.reason])).toEqual([
      ['hold-1-reserve', 'reservation_created'],
      ['hold-1-release', 'reservation_deleted'],
    ]);
  });

  it('sends what 2026-10 requires: the directive, changeFromQuantity null on both sides, the ledger URI only on reserved', async () => {
    await admin.moveQuantities(hold());
    const sent = stub.moves[0]!.input;
    expect(MOVE_QUANTITIES_MUTATION).toContain('@idempotent(key: $key)');
    expect(sent.changes[0]).toEqual({
      inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
      quantity: 1,
      from: { locationId: `gid://shopify/Location/${LOCATION}`, name: 'available', ledgerDocumentUri: null, changeFromQuantity: null },
      to: { locationId: `gid://shopify/Location/${LOCATION}`, name: 'reserved', ledgerDocumentUri: 'gid://waitline/HoldLedger/1', changeFromQuantity: null },
    });
    await admin.moveQuantities(release());
    expect(stub.moves[1]!.input.changes[0].from.ledgerDocumentUri).toBe('gid://waitline/HoldLedger/1');
    expect(stub.moves[1]!.input.changes[0].to.ledgerDocumentUri).toBeNull();
  });

  it('a retry with the same key replays the first answer and moves nothing twice', async () => {
    const first = await admin.moveQuantities(hold());
    const again = await admin.moveQuantities(hold());
    expect(again).toEqual(first);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 2, reserved: 1 });
    expect(stub.moves).toHaveLength(1);
    expect(moveCalls()).toBe(2);
  });

  it('the same key with other input is refused as a mismatch, and nothing moves', async () => {
    await admin.moveQuantities(hold());
    const error = await failure(admin.moveQuantities(hold({ quantity: 2 })));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 2, reserved: 1 });
  });

  it('moving more than available holds is insufficient_quantity, and nothing moves', async () => {
    const error = await failure(admin.moveQuantities(hold({ quantity: 4 })));
    expect(error.kind).toBe('insufficient_quantity');
    expect(error.message).toContain('INVALID_QUANTITY_NEGATIVE');
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 3, reserved: 0 });
    expect(stub.moves).toEqual([]);
    // That key is spent: Shopify asks for a new one, a kind of its own.
    expect((await failure(admin.moveQuantities(hold({ quantity: 4 })))).kind).toBe('retry_with_new_key');
  });

  it('releasing more than is reserved is insufficient_quantity too', async () => {
    await admin.moveQuantities(hold());
    expect((await failure(admin.moveQuantities(release({ quantity: 2 })))).kind).toBe('insufficient_quantity');
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 2, reserved: 1 });
  });

  it('a key still being worked on is in_progress; the same key succeeds once it is done', async () => {
    stub.keysInProgress.add('hold-1-reserve');
    const error = await failure(admin.moveQuantities(hold()));
    expect(error.kind).toBe('in_progress');
    expect(error.message).toContain('IDEMPOTENCY_CONCURRENT_REQUEST');
    stub.keysInProgress.clear();
    await admin.moveQuantities(hold());
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 2, reserved: 1 });
  });

  it('a purchase is refused while the last unit is reserved and accepted once it moves back', async () => {
    stub.setQuantities(ITEM, LOCATION, { available: 1, reserved: 0 });
    await admin.moveQuantities(hold());
    expect(stub.purchase(ITEM, LOCATION, 1)).toBe(false);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 0, reserved: 1 });
    await admin.moveQuantities(release());
    expect(stub.purchase(ITEM, LOCATION, 1)).toBe(true);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 0, reserved: 0 });
  });

  it('a unit sold meanwhile makes the hold insufficient_quantity', async () => {
    stub.setQuantities(ITEM, LOCATION, { available: 1, reserved: 0 });
    expect(stub.purchase(ITEM, LOCATION, 1)).toBe(true);
    expect((await failure(admin.moveQuantities(hold()))).kind).toBe('insufficient_quantity');
  });

  it('a 429 and a THROTTLED answer are waited out, and the move happens once', async () => {
    stub.fail(1, 429, '1.0');
    await admin.moveQuantities(hold());
    stub.throttle.currentlyAvailable = 0;
    await admin.moveQuantities(hold({ idempotencyKey: 'hold-2-reserve', referenceDocumentUri: 'gid://waitline/Hold/2', ledgerDocumentUri: 'gid://waitline/HoldLedger/2' }));
    expect(waits[0]).toBe(1000);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 1, reserved: 2 });
    expect(stub.moves).toHaveLength(2);
  });

  it.each([
    ['a non-numeric item id', { inventoryItemId: 'gid://shopify/InventoryItem/1' }],
    ['a zero quantity', { quantity: 0 }],
    ['a fractional quantity', { quantity: 1.5 }],
    ['the same state on both sides', { to: 'available' as const }],
    ['no idempotency key', { idempotencyKey: '' }],
  ])('%s is refused before any request', async (_, over) => {
    expect((await failure(admin.moveQuantities(hold(over)))).kind).toBe('invalid');
    expect(stub.requests).toEqual([]);
  });
});

describe('the stub enforces what Shopify does', () => {
  const send = (query: string, variables: Record<string, unknown>) => admin.graphql<{ inventoryMoveQuantities: { userErrors: Array<{ code: string }> } }>(query, variables);

  it('refuses the mutation without the @idempotent directive', async () => {
    const error = await failure(send(MOVE_QUANTITIES_MUTATION.replace(' @idempotent(key: $key)', ''), moveVariables(hold())));
    expect(error.message).toContain('@idempotent');
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 3, reserved: 0 });
  });

  it.each([
    ['a ledger URI on available', (v: any) => (v.input.changes[0].from.ledgerDocumentUri = 'gid://waitline/X/1'), 'INVALID_AVAILABLE_DOCUMENT'],
    ['no ledger URI on reserved', (v: any) => (v.input.changes[0].to.ledgerDocumentUri = null), 'INVALID_QUANTITY_DOCUMENT'],
    ['a Shopify ledger URI', (v: any) => (v.input.changes[0].to.ledgerDocumentUri = 'gid://shopify/Order/1'), 'INTERNAL_LEDGER_DOCUMENT'],
    ['a reason Shopify does not list', (v: any) => (v.input.reason = 'reserved'), 'INVALID_REASON'],
    ['a stale changeFromQuantity', (v: any) => (v.input.changes[0].from.changeFromQuantity = 7), 'CHANGE_FROM_QUANTITY_STALE'],
  ])('%s → %s, nothing moved', async (_, spoil, code) => {
    const variables = moveVariables(hold());
    spoil(variables);
    const answer = await send(MOVE_QUANTITIES_MUTATION, variables);
    expect(answer.inventoryMoveQuantities.userErrors.map((e) => e.code)).toEqual([code]);
    expect(stub.quantities(ITEM, LOCATION)).toEqual({ available: 3, reserved: 0 });
  });

  it('a terminal without changeFromQuantity is an error', async () => {
    const variables = moveVariables(hold());
    delete (variables.input.changes[0]!.to as Partial<(typeof variables.input.changes)[0]['to']>).changeFromQuantity;
    expect((await failure(send(MOVE_QUANTITIES_MUTATION, variables))).message).toContain('changeFromQuantity');
  });
});
