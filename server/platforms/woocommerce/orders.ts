import { z } from 'zod';
import type { Tracking } from '../../services/backorders/fulfil.ts';
import { StoreError, type StoreOrder, type StoreRefund, type StoreShipment } from '../store.ts';
import { WC } from './catalog.ts';
import { statusError, type WooCall } from './http.ts';
import { money, optionalId, optionalText, parse, wooId } from './parse.ts';

/*
 * Orders and refunds as the REST API v3 answers them (and as order webhooks deliver them):
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#order-refund-properties
 */

const STATUS: Record<string, StoreOrder['status']> = {
  pending: 'pending',
  'checkout-draft': 'pending',
  failed: 'pending',
  processing: 'open',
  'on-hold': 'open',
  completed: 'shipped',
  cancelled: 'cancelled',
  trash: 'cancelled',
  refunded: 'refunded',
};

const HOLD_TOKEN = /^[\w-]{10,64}$/;
const meta = z.array(z.object({ key: z.string(), value: z.unknown() }).catch({ key: '', value: null })).nullish();

const orderSchema = z.object({
  id: wooId,
  number: z.union([z.string(), z.number()]).nullish(),
  status: z.string().max(100),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  total: money,
  date_created_gmt: z.string().nullish(),
  date_paid_gmt: z.string().nullish(),
  billing: z.object({ email: optionalText, phone: optionalText }).nullish().catch(null),
  meta_data: meta,
  line_items: z
    .array(z.object({ id: optionalId, product_id: optionalId, variation_id: optionalId, quantity: z.number().int(), price: money }))
    .nullish(),
});

/** WooCommerce's *_gmt dates carry no zone ("2026-11-30T10:00:00"): they are UTC. */
function gmtDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An order as GET /orders/{id} (or an order.* webhook) gives it. */
export function wooOrder(json: unknown): StoreOrder {
  const o = parse(orderSchema, json, 'an order');
  const placedAt = gmtDate(o.date_paid_gmt) ?? gmtDate(o.date_created_gmt);
  if (!placedAt) throw new StoreError('invalid', `WooCommerce answered order ${o.id} without a date it was placed`);
  const hold = o.meta_data?.find((m) => m.key === 'waitline_hold')?.value;
  return {
    id: o.id,
    name: String(o.number ?? o.id).slice(0, 255) || o.id,
    email: o.billing?.email ?? null,
    phone: o.billing?.phone ?? null,
    currency: o.currency.toUpperCase(),
    total: o.total,
    placedAt,
    status: STATUS[o.status] ?? 'pending',
    platformStatus: o.status,
    holdToken: typeof hold === 'string' && HOLD_TOKEN.test(hold) ? hold : null,
    lines: (o.line_items ?? []).flatMap((l) => {
      const variantId = l.variation_id ?? l.product_id;
      return l.id && variantId ? [{ id: l.id, variantId, quantity: l.quantity, price: l.price }] : [];
    }),
  };
}

const numericId = (id: string) => /^[1-9]\d{0,18}$/.test(id);

async function readOrder(call: WooCall, id: string): Promise<unknown> {
  if (!numericId(id)) return null;
  const answer = await call('GET', `${WC}/orders/${id}`);
  if (answer.status === 404 && answer.error?.code !== 'rest_no_route') return null;
  if (answer.status !== 200) throw statusError(answer, `reading order ${id}`);
  return answer.json;
}

export async function order(call: WooCall, id: string): Promise<StoreOrder | null> {
  const json = await readOrder(call, id);
  return json === null ? null : wooOrder(json);
}

/** One parcel as the Shipment Tracking extension keeps it in the order meta `_wc_shipment_tracking_items`. */
const trackingItem = z.object({
  tracking_provider: optionalText,
  custom_tracking_provider: optionalText,
  tracking_number: optionalText,
  custom_tracking_link: z.string().nullish(),
});

function tracking(json: unknown): Tracking {
  const items = z.array(trackingItem.catch({ tracking_provider: null, custom_tracking_provider: null, tracking_number: null, custom_tracking_link: null })).safeParse(
    (json as { meta_data?: Array<{ key?: unknown; value?: unknown }> }).meta_data?.find?.((m) => m?.key === '_wc_shipment_tracking_items')?.value,
  );
  // The last one added is the parcel the customer was most recently told about.
  const item = items.success ? items.data.at(-1) : undefined;
  if (!item) return {};
  const carrier = item.custom_tracking_provider ?? item.tracking_provider;
  const link = item.custom_tracking_link;
  return {
    ...(carrier ? { carrier } : {}),
    ...(item.tracking_number ? { trackingNumber: item.tracking_number } : {}),
    ...(link && /^https?:\/\//i.test(link) && URL.canParse(link) ? { trackingUrl: link.slice(0, 2048) } : {}),
  };
}

/**
 * WooCommerce core has no shipments: a completed order counts as one shipment of all its lines, with the
 * Shipment Tracking extension's parcel when there is one.
 */
export async function shipments(call: WooCall, orderId: string): Promise<StoreShipment[]> {
  const json = await readOrder(call, orderId);
  if (json === null) return [];
  const o = wooOrder(json);
  if (o.platformStatus !== 'completed') return [];
  return [{ id: `order-${o.id}`, tracking: tracking(json), lines: o.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })) }];
}

const refundSchema = z.object({ id: wooId, reason: optionalText, amount: money, refunded_payment: z.unknown() });

const storeRefund = (r: z.output<typeof refundSchema>): StoreRefund => ({
  id: r.id,
  note: r.reason,
  amount: Math.abs(r.amount),
  confirmed: r.refunded_payment === true,
});

export async function refunds(call: WooCall, orderId: string): Promise<StoreRefund[]> {
  if (!numericId(orderId)) return [];
  const all: StoreRefund[] = [];
  for (let page = 1; ; page++) {
    const answer = await call('GET', `${WC}/orders/${orderId}/refunds`, { query: { per_page: 100, page } });
    if (answer.status === 404 && answer.error?.code !== 'rest_no_route') return [];
    if (answer.status !== 200) throw statusError(answer, `reading the refunds of order ${orderId}`);
    all.push(...parse(z.array(refundSchema), answer.json, `the refunds of order ${orderId}`).map(storeRefund));
    const pages = Number(answer.headers['x-wp-totalpages']);
    if (!Number.isInteger(pages) || page >= pages) return all;
  }
}

/** What WooCommerce answers when the order cannot be refunded that much, or the gateway refused. */
const NOT_REFUNDABLE = new Set(['woocommerce_rest_cannot_create_order_refund', 'woocommerce_rest_invalid_order_refund']);

const decimal = (minor: number) => (minor / 100).toFixed(2);

/**
 * A refund through the payment gateway (api_refund), by line, the units put back on stock as WooCommerce's
 * REST API always does. Sent once: a lost answer is not retried, since the gateway may have paid out.
 */
export async function refund(call: WooCall, input: { orderId: string; lines: Array<{ lineId: string; quantity: number; amount: number }>; note: string }): Promise<StoreRefund> {
  if (!numericId(input.orderId)) throw new StoreError('not_found', `There is no WooCommerce order ${input.orderId}`);
  for (const l of input.lines) {
    if (!numericId(l.lineId) || !Number.isInteger(l.quantity) || l.quantity < 0 || !Number.isInteger(l.amount) || l.amount < 0) {
      throw new StoreError('invalid', 'A refund line is an order line id, a whole quantity and an amount in minor units');
    }
  }
  const amount = input.lines.reduce((sum, l) => sum + l.amount, 0);
  const answer = await call('POST', `${WC}/orders/${input.orderId}/refunds`, {
    once: true,
    body: {
      amount: decimal(amount),
      reason: input.note,
      api_refund: true,
      line_items: input.lines.map((l) => ({ id: Number(l.lineId), quantity: l.quantity, refund_total: decimal(l.amount) })),
    },
  });
  if (answer.status === 201 || answer.status === 200) return storeRefund(parse(refundSchema, answer.json, 'the refund made'));
  if (answer.error && NOT_REFUNDABLE.has(answer.error.code)) {
    throw new StoreError('not_refundable', `WooCommerce did not refund order ${input.orderId}: ${answer.error.message || answer.error.code}`);
  }
  throw statusError(answer, `refunding order ${input.orderId}`);
}
