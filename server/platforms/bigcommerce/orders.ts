import { z } from 'zod';
import type { Tracking } from '../../services/backorders/fulfil.ts';
import { StoreError, type StoreOrder, type StoreRefund, type StoreShipment } from '../store.ts';
import type { Call } from './http.ts';
import { count, id, money, read, text, v3List, v3One } from './shapes.ts';

/*
 * Orders, shipments and refunds: orders and their products and shipments are V2, refunds V3.
 * https://developer.bigcommerce.com/docs/rest-management/orders
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-products
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments
 * https://developer.bigcommerce.com/docs/rest-management/transactions/payment-actions
 * https://developer.bigcommerce.com/docs/store-operations/orders/refunds (quote, then refund)
 */

const PAGE = 250;
const NUMERIC = /^\d+$/;

const orderShape = z.object({
  id,
  status_id: count,
  status: text,
  date_created: z.string(),
  currency_code: z.string().regex(/^[A-Za-z]{3}$/).transform((c) => c.toUpperCase()),
  total_inc_tax: money,
  staff_notes: z.string().nullish(),
  customer_message: z.string().nullish(),
  billing_address: z.object({ email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
});
const orderProduct = z.object({ id, variant_id: id, quantity: count, price_inc_tax: money });
const shipmentShape = z.object({
  id,
  tracking_number: z.string().nullish(),
  tracking_carrier: z.string().nullish(),
  shipping_provider: z.string().nullish(),
  tracking_link: z.string().nullish(),
  generated_tracking_link: z.string().nullish(),
  items: z.array(z.object({ order_product_id: id, quantity: count })).nullish(),
});
const refundShape = z.object({
  id,
  reason: z.string().nullish(),
  total_amount: money,
  payments: z.array(z.object({ offline: z.boolean().nullish(), is_declined: z.boolean().nullish() })).nullish(),
});
const quoteShape = v3One(
  z.object({
    refund_methods: z.array(z.array(z.object({ provider_id: z.string(), amount: z.union([z.number(), z.string()]), offline: z.boolean().nullish(), offline_provider: z.boolean().nullish() }))),
  }),
);

/**
 * BigCommerce's fixed order statuses by status_id, as the StoreOrder kinds.
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-status
 */
function statusOf(statusId: number): StoreOrder['status'] {
  if (statusId === 0) return 'pending'; // Incomplete: the checkout never finished
  if (statusId === 5 || statusId === 6) return 'cancelled'; // Cancelled, Declined
  if (statusId === 2 || statusId === 10) return 'shipped'; // Shipped, Completed
  if (statusId === 4) return 'refunded';
  return 'open';
}

/** A claim link's token, written on the order as `waitline_hold=<token>` in a note or the customer's message. */
function holdToken(...notes: Array<string | null | undefined>): string | null {
  for (const note of notes) {
    for (const match of (note ?? '').matchAll(/waitline_hold=([\w-]+)/g)) {
      if (match[1]!.length >= 10 && match[1]!.length <= 64) return match[1]!;
    }
  }
  return null;
}

const orderPath = (orderId: string) => {
  if (!NUMERIC.test(orderId)) throw new StoreError('invalid', 'A BigCommerce order id is numeric');
  return `/v2/orders/${orderId}`;
};

/** A V2 list, page by page until a short one; V2 answers 204 No Content for an empty list. */
async function v2All<S extends z.ZodType>(call: Call, path: string, item: S, what: string): Promise<Array<z.output<S>>> {
  const all: Array<z.output<S>> = [];
  for (let page = 1; ; page++) {
    const { json } = await call('GET', `${path}?limit=${PAGE}&page=${page}`, { scope: 'Orders' });
    const rows = json === null ? [] : read(z.array(item), json, what);
    all.push(...rows);
    if (rows.length < PAGE) return all;
  }
}

export async function order(call: Call, orderId: string): Promise<StoreOrder | null> {
  const path = orderPath(orderId);
  const answer = await call('GET', path, { pass: [404], scope: 'Orders' });
  if (answer.status === 404) return null;
  const o = read(orderShape, answer.json, 'an order');
  const placedAt = new Date(Date.parse(o.date_created));
  if (Number.isNaN(placedAt.getTime())) throw new StoreError('invalid', 'BigCommerce answered an order without a readable date_created');
  const lines = await v2All(call, `${path}/products`, orderProduct, "an order's products");
  return {
    id: o.id,
    name: o.id,
    email: o.billing_address?.email?.trim() || null,
    phone: o.billing_address?.phone?.trim() || null,
    currency: o.currency_code,
    total: o.total_inc_tax,
    placedAt,
    status: statusOf(o.status_id),
    platformStatus: o.status.slice(0, 64),
    holdToken: holdToken(o.staff_notes, o.customer_message),
    lines: lines.map((l) => ({ id: l.id, variantId: l.variant_id, quantity: l.quantity, price: l.price_inc_tax })),
  };
}

export async function shipments(call: Call, orderId: string): Promise<StoreShipment[]> {
  const rows = await v2All(call, `${orderPath(orderId)}/shipments`, shipmentShape, "an order's shipments");
  return rows.map((s) => {
    const tracking: Tracking = {};
    const carrier = (s.tracking_carrier || s.shipping_provider || '').trim();
    if (carrier) tracking.carrier = carrier.slice(0, 255);
    if (s.tracking_number?.trim()) tracking.trackingNumber = s.tracking_number.trim().slice(0, 255);
    const link = [s.tracking_link, s.generated_tracking_link].find((l) => l && /^https?:\/\//i.test(l));
    if (link) tracking.trackingUrl = link.slice(0, 2048);
    return { id: s.id, tracking, lines: (s.items ?? []).map((i) => ({ lineId: i.order_product_id, quantity: i.quantity })) };
  });
}

const storeRefund = (r: z.output<typeof refundShape>): StoreRefund => ({
  id: r.id,
  note: r.reason?.trim() ? r.reason : null,
  amount: r.total_amount,
  confirmed: (r.payments ?? []).some((p) => !p.offline && !p.is_declined),
});

export async function refunds(call: Call, orderId: string): Promise<StoreRefund[]> {
  orderPath(orderId);
  const answer = await call('GET', `/v3/orders/${orderId}/payment_actions/refunds`, { pass: [404], scope: 'Orders' });
  if (answer.status === 404) return [];
  return read(v3List(refundShape), answer.json, "an order's refunds").data.map(storeRefund);
}

/**
 * Refunds order products through the payment gateway: a refund quote names the ways the money can go
 * back, and the first that is wholly online is used. A method with an offline part would only record
 * the refund, so none such means 'not_refundable'. BigCommerce refuses an over-refund with 422.
 */
export async function refund(call: Call, input: { orderId: string; lines: Array<{ lineId: string; quantity: number }>; note: string }): Promise<StoreRefund> {
  orderPath(input.orderId);
  if (input.lines.length === 0) throw new StoreError('invalid', 'A refund needs at least one line');
  for (const line of input.lines) {
    if (!NUMERIC.test(line.lineId) || !Number.isInteger(line.quantity) || line.quantity <= 0) throw new StoreError('invalid', 'Refund lines need numeric ids and positive quantities');
  }
  const items = input.lines.map((l) => ({ item_type: 'PRODUCT', item_id: Number(l.lineId), quantity: l.quantity }));
  const base = `/v3/orders/${input.orderId}/payment_actions`;
  const refused = (answer: { status: number; json: unknown }, step: string) => {
    const title = answer.json && typeof answer.json === 'object' ? (answer.json as { title?: unknown }).title : null;
    return new StoreError('not_refundable', `BigCommerce would not ${step} order ${input.orderId}${typeof title === 'string' ? `: ${title.slice(0, 120)}` : ''}`);
  };

  const quote = await call('POST', `${base}/refund_quotes`, { body: { items }, pass: [422], scope: 'Orders (modify)' });
  if (quote.status === 422) throw refused(quote, 'quote a refund for');
  const methods = read(quoteShape, quote.json, 'a refund quote').data.refund_methods;
  const online = methods.find((m) => m.length > 0 && m.every((p) => !p.offline && !p.offline_provider));
  if (!online) throw new StoreError('not_refundable', `Order ${input.orderId} can only be refunded offline: refund it by hand in BigCommerce`);

  const payments = online.map((p) => ({ provider_id: p.provider_id, amount: Number(p.amount), offline: false }));
  const made = await call('POST', `${base}/refunds`, { body: { items, payments, reason: input.note.slice(0, 1000) }, pass: [422], scope: 'Orders (modify)' });
  if (made.status === 422) throw refused(made, 'refund');
  return storeRefund(read(v3One(refundShape), made.json, 'a refund').data);
}
