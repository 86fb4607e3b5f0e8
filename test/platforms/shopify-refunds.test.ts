import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefundLines, ShopifyAdmin } from '../../server/platforms/shopify/admin.ts';
import { minorUnits, REFUND_CREATE_MUTATION } from '../../server/platforms/shopify/refunds.ts';
import { startShopifyStub, type ShopifyStub } from '../stubs/shopify-stub.ts';
import { shopifyFailure, stubAdmin } from './stub-admin.ts';

const SHOP = 'stub-store.myshopify.com';
const TOKEN = 'shpat_admin_token_for_tests';
const ORDER = '5512345678901';
const LINE = '15512345678901';
const SHIPPED_LINE = '15512345678902';
const VARIANT = '40000000000001';

let stub: ShopifyStub;
let admin: ShopifyAdmin;
let waits: number[];

beforeEach(async () => {
  stub = await startShopifyStub(TOKEN);
  ({ admin, waits } = stubAdmin(stub, SHOP, TOKEN));
  // $50.00 of backordered units, and one shipped unit at $10.00: one SALE of $60.00.
  stub.addOrder({
    id: ORDER,
    name: '#1001',
    currencyCode: 'USD',
    lineItems: [
      { id: LINE, variantId: VARIANT, quantity: 2, price: '25.00' },
      { id: SHIPPED_LINE, variantId: null, quantity: 1, price: '10.00', fulfilled: 1 },
    ],
  });
});
afterEach(() => stub.close());

const refund = (over: Partial<RefundLines> = {}): RefundLines => ({
  orderId: ORDER,
  lines: [{ lineItemId: LINE, quantity: 2 }],
  note: 'Backorder cancelled by the customer [waitline backorder 7]',
  idempotencyKey: 'refund-7',
  ...over,
});

const failure = shopifyFailure;

const line = async (id: string) => (await admin.orderRefunds(ORDER))!.lineItems.find((l) => l.id === id)!;

describe('orderRefunds', () => {
  it('reads the order back: numeric ids, what is left to refund and to ship, no refunds yet', async () => {
    expect(await admin.orderRefunds(ORDER)).toEqual({
      name: '#1001',
      currencyCode: 'USD',
      lineItems: [
        { id: LINE, variantId: VARIANT, quantity: 2, refundableQuantity: 2, unfulfilledQuantity: 2 },
        { id: SHIPPED_LINE, variantId: null, quantity: 1, refundableQuantity: 1, unfulfilledQuantity: 0 },
      ],
      refunds: [],
    });
  });

  it('answers null for an order the store does not have', async () => {
    expect(await admin.orderRefunds('999')).toBeNull();
  });
});

describe('refundLineItems', () => {
  it('refunds the line for what Shopify suggests, cancelled, without notifying, under the directive', async () => {
    const made = await admin.refundLineItems(refund());
    expect(made).toEqual({ refundId: stub.refundsMade[0]!.id, amount: 5000, currencyCode: 'USD' });
    expect(made.refundId).toMatch(/^\d+$/);
    expect(REFUND_CREATE_MUTATION).toContain('@idempotent(key: $key)');
    const sale = stub.orders.get(ORDER)!.transactions[0]!;
    expect(stub.refundsMade[0]).toMatchObject({
      key: 'refund-7',
      input: {
        orderId: `gid://shopify/Order/${ORDER}`,
        currency: 'USD',
        notify: false,
        note: refund().note,
        refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${LINE}`, quantity: 2, restockType: 'CANCEL' }],
        transactions: [{ orderId: `gid://shopify/Order/${ORDER}`, kind: 'REFUND', gateway: 'shopify_payments', parentId: `gid://shopify/OrderTransaction/${sale.id}`, amount: '50.00' }],
      },
    });
    expect(await line(LINE)).toMatchObject({ refundableQuantity: 0, unfulfilledQuantity: 0 });
    expect(await line(SHIPPED_LINE)).toMatchObject({ refundableQuantity: 1 });
  });

  it('the note written on the refund is read back, with its lines and amount: how a retrying job finds its own', async () => {
    const made = await admin.refundLineItems(refund({ lines: [{ lineItemId: LINE, quantity: 1 }] }));
    const { refunds } = (await admin.orderRefunds(ORDER))!;
    expect(refunds).toEqual([
      { id: made.refundId, note: refund().note, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), lineItems: [{ lineItemId: LINE, quantity: 1 }], totalRefunded: 2500 },
    ]);
    expect(refunds.find((r) => r.note?.includes('[waitline backorder 7]'))?.id).toBe(made.refundId);
  });

  it('the same key and input again answers the same refund, and refunds once', async () => {
    const first = await admin.refundLineItems(refund());
    const again = await admin.refundLineItems(refund());
    expect(again).toEqual(first);
    expect(stub.refundsMade).toHaveLength(1);
    expect(stub.orders.get(ORDER)!.refunds).toHaveLength(1);
    expect(stub.requests.filter((r) => r.operation === 'refundCreate')).toHaveLength(2);
  });

  it('a refund made and never answered (the caller died) is answered on the retry, not made again', async () => {
    stub.stallRefunds = true;
    const lost = admin.refundLineItems(refund()).catch((e: unknown) => e);
    await expect.poll(() => stub.refundsMade.length).toBe(1);
    stub.stallRefunds = false;
    const retried = await admin.refundLineItems(refund());
    expect(retried).toEqual({ refundId: stub.refundsMade[0]!.id, amount: 5000, currencyCode: 'USD' });
    expect(stub.refundsMade).toHaveLength(1);
    void lost;
  });

  it('the same key with other input is refused as a mismatch, and nothing more is refunded', async () => {
    await admin.refundLineItems(refund({ lines: [{ lineItemId: LINE, quantity: 1 }] }));
    const error = await failure(admin.refundLineItems(refund({ lines: [{ lineItemId: SHIPPED_LINE, quantity: 1 }], note: 'other' })));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/same idempotency key cannot be used with different/);
    expect(stub.refundsMade).toHaveLength(1);
    expect(await line(SHIPPED_LINE)).toMatchObject({ refundableQuantity: 1 });
  });

  it('more units than are left to refund is not_refundable, nothing moves, and that key is spent', async () => {
    const error = await failure(admin.refundLineItems(refund({ lines: [{ lineItemId: LINE, quantity: 3 }] })));
    expect(error.kind).toBe('not_refundable');
    expect(error.message).toContain('Quantity cannot refund more items than were purchased');
    expect(stub.refundsMade).toEqual([]);
    expect(await line(LINE)).toMatchObject({ refundableQuantity: 2 });
    expect((await failure(admin.refundLineItems(refund({ lines: [{ lineItemId: LINE, quantity: 3 }] })))).kind).toBe('retry_with_new_key');
  });

  it('a line the merchant refunded already is not_refundable under a new key', async () => {
    await admin.refundLineItems(refund({ note: 'Refunded by hand', idempotencyKey: 'by-hand' }));
    expect((await failure(admin.refundLineItems(refund()))).kind).toBe('not_refundable');
    expect(stub.refundsMade).toHaveLength(1);
  });

  it('a key still being worked on is in_progress; the same key refunds once it is done', async () => {
    stub.keysInProgress.add('refund-7');
    expect((await failure(admin.refundLineItems(refund()))).kind).toBe('in_progress');
    stub.keysInProgress.clear();
    expect((await admin.refundLineItems(refund())).amount).toBe(5000);
  });

  it('a 429 is waited out, and the refund is made once', async () => {
    stub.fail(1, 429, '1.0');
    expect((await admin.refundLineItems(refund())).amount).toBe(5000);
    expect(waits[0]).toBe(1000);
    expect(stub.refundsMade).toHaveLength(1);
  });

  it.each([
    ['a non-numeric order id', { orderId: 'gid://shopify/Order/1' }],
    ['no lines', { lines: [] }],
    ['a zero quantity', { lines: [{ lineItemId: LINE, quantity: 0 }] }],
    ['a line named twice', { lines: [{ lineItemId: LINE, quantity: 1 }, { lineItemId: LINE, quantity: 1 }] }],
    ['no note', { note: ' ' }],
    ['no idempotency key', { idempotencyKey: '' }],
  ])('%s is refused before any request', async (_, over) => {
    expect((await failure(admin.refundLineItems(refund(over)))).kind).toBe('invalid');
    expect(stub.requests).toEqual([]);
  });
});

describe('the stub enforces what Shopify does', () => {
  type Answer = { refundCreate: { refund: { id: string } | null; userErrors: Array<{ field: string[] | null; message: string }> } };
  const variables = (quantity = 1, key = 'raw-1') => {
    const sale = stub.orders.get(ORDER)!.transactions[0]!;
    return {
      key,
      input: {
        orderId: `gid://shopify/Order/${ORDER}`,
        refundLineItems: [{ lineItemId: `gid://shopify/LineItem/${LINE}`, quantity, restockType: 'CANCEL' }],
        transactions: [{ orderId: `gid://shopify/Order/${ORDER}`, kind: 'REFUND', gateway: 'shopify_payments', parentId: `gid://shopify/OrderTransaction/${sale.id}`, amount: (25 * quantity).toFixed(2) }],
      },
    };
  };
  const send = (query: string, v: Record<string, unknown>) => admin.graphql<Answer>(query, v);

  it('replays an identical refundCreate under the same key', async () => {
    const first = await send(REFUND_CREATE_MUTATION, variables());
    const again = await send(REFUND_CREATE_MUTATION, variables());
    expect(again.refundCreate.refund!.id).toBe(first.refundCreate.refund!.id);
    expect(stub.refundsMade).toHaveLength(1);
  });

  it('refuses refundCreate without the @idempotent directive, and refunds nothing', async () => {
    expect((await failure(send(REFUND_CREATE_MUTATION.replace(' @idempotent(key: $key)', ''), variables()))).message).toContain('@idempotent');
    expect(stub.refundsMade).toEqual([]);
  });

  it("refundCreate's userErrors have no code field", async () => {
    expect((await failure(send(REFUND_CREATE_MUTATION.replace('userErrors { field message }', 'userErrors { field message code }'), variables()))).message).toContain("'code'");
  });

  it('more units than refundable is a userError on refundLineItems.0.quantity', async () => {
    const answer = await send(REFUND_CREATE_MUTATION, variables(3));
    expect(answer.refundCreate.userErrors).toEqual([{ field: ['refundLineItems', '0', 'quantity'], message: 'Quantity cannot refund more items than were purchased' }]);
  });

  it('more money than the transaction has left is a userError on the amount', async () => {
    const v = variables();
    v.input.transactions[0]!.amount = '60.01';
    const answer = await send(REFUND_CREATE_MUTATION, v);
    expect(answer.refundCreate.userErrors[0]!.field).toEqual(['transactions', '0', 'amount']);
    expect(stub.refundsMade).toEqual([]);
  });
});

it.each([
  ['50.00', 'USD', 5000],
  ['0.1', 'USD', 10],
  ['1500', 'JPY', 1500],
  ['1.234', 'KWD', 1234],
  ['-2.50', 'EUR', -250],
])('minorUnits(%s %s) = %i', (amount, currency, units) => {
  expect(minorUnits(amount, currency)).toBe(units);
});
