import { ShopifyError, type ShopifyErrorKind } from './errors.ts';
import type { graphqlClient } from './graphql.ts';

type Graphql = ReturnType<typeof graphqlClient>;

export interface OrderLine {
  /** Numeric ids, as the rest of Waitline stores them. */
  id: string;
  variantId: string | null;
  quantity: number;
  refundableQuantity: number;
  unfulfilledQuantity: number;
}
export interface OrderRefund {
  id: string;
  note: string | null;
  createdAt: string;
  lineItems: Array<{ lineItemId: string; quantity: number }>;
  /** In minor units of the order's currency. */
  totalRefunded: number;
}
export interface OrderRefunds {
  name: string;
  /** The customer's (presentment) currency: what they paid in, and what a refund goes back in. */
  currencyCode: string;
  lineItems: OrderLine[];
  refunds: OrderRefund[];
}
export interface RefundLines {
  orderId: string;
  lines: Array<{ lineItemId: string; quantity: number }>;
  /** Written on the refund and read back by orderRefunds: name the job in it, so a retry finds its own refund. */
  note: string;
  /** One key per intended refund, the same on every retry of it. */
  idempotencyKey: string;
}
export interface RefundMade {
  refundId: string;
  /** In minor units of `currencyCode`. */
  amount: number;
  currencyCode: string;
}

/** Pages the read-back does not follow: an order past them is refused rather than half read. */
const LINES_READ = 100;
const REFUNDS_READ = 25;
const REFUND_LINES_READ = 10;

/**
 * An order's lines and the refunds made on it, in the customer's currency.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/order
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/LineItem (refundableQuantity, unfulfilledQuantity)
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/Refund (note, createdAt, refundLineItems, totalRefundedSet)
 * `refunds` is a plain list, not a connection; it answers at most `first`.
 */
export const ORDER_REFUNDS_QUERY = `query WaitlineOrderRefunds($id: ID!) {
  order(id: $id) {
    name
    presentmentCurrencyCode
    lineItems(first: ${LINES_READ}) {
      nodes { id quantity refundableQuantity unfulfilledQuantity variant { id } }
      pageInfo { hasNextPage }
    }
    refunds(first: ${REFUNDS_READ}) {
      id note createdAt
      totalRefundedSet { presentmentMoney { amount currencyCode } }
      refundLineItems(first: ${REFUND_LINES_READ}) { nodes { lineItem { id } quantity } pageInfo { hasNextPage } }
    }
  }
}`;

/**
 * What Shopify would refund for these lines, cancelled (the units never left, so CANCEL puts them back
 * on the level), and through which payment transactions. No notification is sent by a suggestion.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/SuggestedRefund
 * https://shopify.dev/docs/api/admin-graphql/2026-10/objects/SuggestedOrderTransaction
 * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/RefundLineItemRestockType
 */
export const SUGGESTED_REFUND_QUERY = `query WaitlineSuggestedRefund($id: ID!, $lines: [RefundLineItemInput!]) {
  order(id: $id) {
    presentmentCurrencyCode
    suggestedRefund(refundLineItems: $lines, suppressNotifications: true) {
      amountSet { presentmentMoney { amount currencyCode } }
      suggestedTransactions { gateway amountSet { presentmentMoney { amount } } parentTransaction { id } }
    }
  }
}`;

/**
 * Since 2026-04 the @idempotent directive is required on refundCreate (a call without it fails at run
 * time). Its userErrors are plain UserError: a field and a message, no code.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/refundCreate
 * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/RefundInput
 * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/RefundLineItemInput
 * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/OrderTransactionInput
 * https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
 */
export const REFUND_CREATE_MUTATION = `mutation WaitlineRefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { presentmentMoney { amount currencyCode } } }
    userErrors { field message }
  }
}`;

type Money = { amount: string; currencyCode: string };
interface OrderAnswer {
  order: {
    name: string;
    presentmentCurrencyCode: string;
    lineItems: {
      nodes: Array<{ id: string; quantity: number; refundableQuantity: number; unfulfilledQuantity: number; variant: { id: string } | null }>;
      pageInfo: { hasNextPage: boolean };
    };
    refunds: Array<{
      id: string;
      note: string | null;
      createdAt: string;
      totalRefundedSet: { presentmentMoney: Money };
      refundLineItems: { nodes: Array<{ lineItem: { id: string }; quantity: number }>; pageInfo: { hasNextPage: boolean } };
    }>;
  } | null;
}
interface SuggestionAnswer {
  order: {
    presentmentCurrencyCode: string;
    suggestedRefund: {
      amountSet: { presentmentMoney: Money };
      suggestedTransactions: Array<{ gateway: string | null; amountSet: { presentmentMoney: { amount: string } }; parentTransaction: { id: string } | null }>;
    } | null;
  } | null;
}
interface CreateAnswer {
  refundCreate: {
    refund: { id: string; totalRefundedSet: { presentmentMoney: Money } } | null;
    userErrors: Array<{ field: string[] | null; message: string }>;
  } | null;
}

const NUMERIC = /^\d+$/;
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
const numeric = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/** Money is a decimal string; minor units follow the currency (JPY has none, KWD three). */
export function minorUnits(amount: string, currencyCode: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new ShopifyError('invalid', `Shopify answered an amount that is not money: ${JSON.stringify(amount).slice(0, 40)}`);
  const fraction = (match[3] ?? '').padEnd(digits, '0');
  const rounded = Number(match[2]) * 10 ** digits + Number(fraction.slice(0, digits) || '0') + (Number(fraction[digits] ?? '0') >= 5 ? 1 : 0);
  return match[1] ? -rounded : rounded;
}

/** The order's lines and refunds, or null when the store has no such order. */
export async function orderRefunds(graphql: Graphql, orderId: string): Promise<OrderRefunds | null> {
  if (!NUMERIC.test(orderId)) throw new ShopifyError('invalid', 'Order refunds: the order id must be numeric');
  const { order } = await graphql<OrderAnswer>(ORDER_REFUNDS_QUERY, { id: gid('Order', orderId) });
  if (!order) return null;
  const cut = order.lineItems.pageInfo.hasNextPage || order.refunds.length >= REFUNDS_READ || order.refunds.some((r) => r.refundLineItems.pageInfo.hasNextPage);
  // A job deciding whether it refunded already must see every refund: a partial answer is worse than none.
  if (cut) throw new ShopifyError('invalid', `Order ${order.name} has more lines or refunds than Waitline reads back`);
  const currencyCode = order.presentmentCurrencyCode;
  return {
    name: order.name,
    currencyCode,
    lineItems: order.lineItems.nodes.map((l) => ({
      id: numeric(l.id),
      variantId: l.variant ? numeric(l.variant.id) : null,
      quantity: l.quantity,
      refundableQuantity: l.refundableQuantity,
      unfulfilledQuantity: l.unfulfilledQuantity,
    })),
    refunds: order.refunds.map((r) => ({
      id: numeric(r.id),
      note: r.note,
      createdAt: r.createdAt,
      lineItems: r.refundLineItems.nodes.map((n) => ({ lineItemId: numeric(n.lineItem.id), quantity: n.quantity })),
      totalRefunded: minorUnits(r.totalRefundedSet.presentmentMoney.amount, r.totalRefundedSet.presentmentMoney.currencyCode),
    })),
  };
}

function checked(input: RefundLines): void {
  const bad = (why: string) => new ShopifyError('invalid', `Refund refused before sending: ${why}`);
  if (!NUMERIC.test(input.orderId)) throw bad('the order id must be numeric');
  if (input.lines.length === 0) throw bad('no lines to refund');
  for (const line of input.lines) {
    if (!NUMERIC.test(line.lineItemId)) throw bad('line item ids must be numeric');
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw bad('quantities must be positive integers');
  }
  if (new Set(input.lines.map((l) => l.lineItemId)).size !== input.lines.length) throw bad('a line item is named twice');
  if (!input.note.trim()) throw bad('a note is required: it is how a retry finds its refund');
  if (!input.idempotencyKey) throw bad('an idempotency key is required');
}

/**
 * refundCreate's UserError has no code, so its messages decide. The idempotency ones are Shopify's
 * documented wording; the over-refund one is the message it gives on refundLineItems.N.quantity.
 * https://shopify.dev/docs/api/usage/implementing-idempotency
 */
const MISMATCH = /same idempotency key cannot be used with different/i;
function kindOf(error: { field: string[] | null; message: string }): ShopifyErrorKind {
  if (/currently in progress/i.test(error.message)) return 'in_progress';
  if (/previous request with this idempotency key failed/i.test(error.message)) return 'retry_with_new_key';
  if (/cannot refund more|more than (the )?refundable|exceeds? the (maximum )?refundable/i.test(error.message)) return 'not_refundable';
  if (error.field?.at(-1) === 'quantity' && error.field[0] === 'refundLineItems') return 'not_refundable';
  return 'invalid';
}

const sameLines = (a: RefundLines['lines'], b: OrderRefund['lineItems']) =>
  a.length === b.length && a.every((l) => b.some((r) => r.lineItemId === l.lineItemId && r.quantity === l.quantity));

/**
 * Refunds `lines` of an order, cancelled and back on the level, for what Shopify suggests, without
 * notifying the customer (Waitline tells them itself). Answers the refund's id and amount.
 *
 * The suggestion changes once the refund is made, so a retry after a lost answer sends other input
 * under the same key and Shopify answers a mismatch, not a replay. That case is settled by reading the
 * order back: a refund carrying this very note and these lines is the one made, and is answered again.
 * Throws ShopifyError: 'not_refundable' (fewer units or less money left than asked; nothing refunded),
 * 'in_progress' (same key still being worked on: retry later, same key), 'retry_with_new_key',
 * 'unavailable' (the store did not answer), 'invalid' for the rest.
 */
export async function refundLineItems(graphql: Graphql, input: RefundLines): Promise<RefundMade> {
  checked(input);
  const orderGid = gid('Order', input.orderId);
  const refundLineItems = input.lines.map((l) => ({ lineItemId: gid('LineItem', l.lineItemId), quantity: l.quantity, restockType: 'CANCEL' }));
  const { order } = await graphql<SuggestionAnswer>(SUGGESTED_REFUND_QUERY, { id: orderGid, lines: refundLineItems });
  if (!order?.suggestedRefund) throw new ShopifyError('invalid', `Order ${input.orderId} is not on the store`);
  const currency = order.presentmentCurrencyCode;
  const transactions = order.suggestedRefund.suggestedTransactions
    .filter((t) => minorUnits(t.amountSet.presentmentMoney.amount, currency) > 0)
    .map((t) => {
      if (!t.gateway) throw new ShopifyError('invalid', `Order ${input.orderId}: Shopify suggests a refund through no gateway`);
      return { orderId: orderGid, kind: 'REFUND', gateway: t.gateway, amount: t.amountSet.presentmentMoney.amount, parentId: t.parentTransaction?.id ?? null };
    });
  const variables = {
    key: input.idempotencyKey,
    input: { orderId: orderGid, currency, note: input.note, notify: false, refundLineItems, transactions },
  };
  const answer = await graphql<CreateAnswer>(REFUND_CREATE_MUTATION, variables);
  const payload = answer.refundCreate;
  if (!payload) throw new ShopifyError('invalid', 'refundCreate answered no payload');
  const [first] = payload.userErrors;
  if (first) {
    if (MISMATCH.test(first.message)) {
      const made = await ownRefund(graphql, input);
      if (made) return made;
    }
    const messages = payload.userErrors.map((e) => e.message).join('; ');
    throw new ShopifyError(kindOf(first), `Refunding order ${input.orderId} failed: ${messages}`);
  }
  if (!payload.refund) throw new ShopifyError('invalid', 'refundCreate answered neither a refund nor an error');
  const money = payload.refund.totalRefundedSet.presentmentMoney;
  return { refundId: numeric(payload.refund.id), amount: minorUnits(money.amount, money.currencyCode), currencyCode: money.currencyCode };
}

/** The refund this very input made before, found by its note and lines. */
async function ownRefund(graphql: Graphql, input: RefundLines): Promise<RefundMade | null> {
  const order = await orderRefunds(graphql, input.orderId);
  const refund = order?.refunds.find((r) => r.note === input.note && sameLines(input.lines, r.lineItems));
  return order && refund ? { refundId: refund.id, amount: refund.totalRefunded, currencyCode: order.currencyCode } : null;
}
