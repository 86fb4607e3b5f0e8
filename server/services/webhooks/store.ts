import { createHash, createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { connections, connectionWebhooks, shops, webhookEvents, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { safeEqual } from '../../lib/tokens.ts';
import { BIGCOMMERCE_TOPICS } from '../../platforms/bigcommerce/api.ts';
import type { StoreApi, StoreOrder, StorePlatform } from '../../platforms/store.ts';
import { normaliseStoreUrl, WOOCOMMERCE_TOPICS } from '../../platforms/woocommerce/api.ts';
import { shipOrderLines, type Tracking } from '../backorders/fulfil.ts';
import { apiForConnection, storeCredentials } from '../connections/store-api.ts';
import { importStoreProducts } from '../connections/store-sync.ts';
import { connectionOf, webhookArrived } from '../connections/store.ts';
import { ingestOrder } from '../orders/ingest.ts';
import { platformOrderCancelled, trackedLines } from '../platform/order-events.ts';

/*
 * Webhooks from WooCommerce and BigCommerce stores (SPEC §4). Each is checked
 * against the secret Waitline gave that webhook when it registered it, stored
 * once per delivery, and handled by a job that reads the product or order back
 * from the store: BigCommerce payloads carry ids only, and a WooCommerce
 * payload can arrive after a newer change, so what the store says now is what
 * counts (stock is recorded as of when it was asked).
 */

export const STORE_WEBHOOK_JOB = 'store.webhook';

/** A verified delivery, ready to be stored. */
export interface StoreDelivery {
  shop: Shop;
  platform: StorePlatform;
  topic: string;
  deliveryId: string;
  payload: Record<string, unknown>;
}

const refused = () => Unauthorized('Webhook signature could not be verified');

async function connectionFor(deps: Pick<Deps, 'db'>, platform: StorePlatform, account: string): Promise<{ connection: Connection; shop: Shop } | null> {
  const [row] = await deps.db
    .select({ connection: connections, shop: shops })
    .from(connections)
    .innerJoin(shops, eq(shops.id, connections.shopId))
    .where(and(eq(connections.platform, platform), eq(connections.account, account)));
  return row ?? null;
}

/**
 * WooCommerce: the store by `X-WC-Webhook-Source`, the webhook by
 * `X-WC-Webhook-ID` (one Waitline registered for that store), and
 * `X-WC-Webhook-Signature` the base64 HMAC-SHA256 of the raw body with that
 * webhook's own secret, compared in constant time. The topic is the one the
 * webhook was registered for.
 */
export async function verifyWooCommerce(
  deps: Pick<Deps, 'db' | 'secrets'>,
  headers: { source?: string; webhookId?: string; signature?: string; deliveryId?: string },
  raw: string,
): Promise<Omit<StoreDelivery, 'payload'>> {
  let account: string;
  try {
    account = normaliseStoreUrl(headers.source ?? '');
  } catch {
    throw refused();
  }
  const found = headers.webhookId && headers.signature ? await connectionFor(deps, 'woocommerce', account) : null;
  if (!found) throw refused();
  const [hook] = await deps.db
    .select()
    .from(connectionWebhooks)
    .where(and(eq(connectionWebhooks.connectionId, found.connection.id), eq(connectionWebhooks.subscriptionId, headers.webhookId!)));
  const secret = hook && storeCredentials(deps, found.connection).webhookSecrets[hook.topic];
  if (!secret) throw refused();
  const expected = createHmac('sha256', secret).update(raw, 'utf8').digest('base64');
  if (!safeEqual(expected, headers.signature!)) throw refused();
  // WooCommerce names each delivery; a body without one is named by its bytes, so a resend is still one.
  const deliveryId = headers.deliveryId || `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return { shop: found.shop, platform: 'woocommerce', topic: hook.topic, deliveryId: `${hook.subscriptionId}:${deliveryId}` };
}

/**
 * BigCommerce: the store by the payload's `producer` (`stores/{hash}`), and the
 * secret header Waitline set on that scope's webhook, compared in constant
 * time. BigCommerce sends a retry with the same `hash`, which names the delivery.
 */
export async function verifyBigCommerce(deps: Pick<Deps, 'db' | 'secrets'>, secretHeader: string | undefined, payload: Record<string, unknown>, raw: string): Promise<Omit<StoreDelivery, 'payload'>> {
  const hash = /^stores\/([a-z0-9]+)$/.exec(String(payload.producer ?? ''))?.[1];
  const scope = String(payload.scope ?? '');
  const found = hash && secretHeader ? await connectionFor(deps, 'bigcommerce', hash) : null;
  const secret = found && (BIGCOMMERCE_TOPICS as readonly string[]).includes(scope) ? storeCredentials(deps, found.connection).webhookSecrets[scope] : undefined;
  if (!found || !secret || !safeEqual(secret, secretHeader!)) throw refused();
  const named = typeof payload.hash === 'string' && payload.hash ? payload.hash : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return { shop: found.shop, platform: 'bigcommerce', topic: scope, deliveryId: named.slice(0, 200) };
}

/** Stores a verified delivery once and leaves the work to a job, so the store hears 200 at once. */
export async function receiveStore(deps: Deps, delivery: StoreDelivery): Promise<'queued' | 'duplicate' | 'ignored'> {
  const topics: readonly string[] = delivery.platform === 'woocommerce' ? WOOCOMMERCE_TOPICS : BIGCOMMERCE_TOPICS;
  if (!topics.includes(delivery.topic)) return 'ignored';
  const outcome = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [row] = await tx
      .insert(webhookEvents)
      .values({ source: delivery.platform, deliveryId: delivery.deliveryId, eventId: null, shopId: delivery.shop.id, topic: delivery.topic, payload: delivery.payload, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (!row) return 'duplicate' as const;
    await webhookArrived(tx, delivery.shop.id, delivery.platform, delivery.topic, now);
    await enqueueJobs(tx, [{ kind: STORE_WEBHOOK_JOB, key: `${delivery.platform}:${row.id}`, runAt: now, payload: { eventId: row.id } }], now);
    return 'queued' as const;
  });
  if (outcome === 'queued') deps.wake();
  return outcome;
}

const idOf = (value: unknown): string | null => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : null);

/** Job `store.webhook`: one stored delivery, read back from the store. A store disconnected since has nothing to say. */
export async function processStoreEvent(deps: Deps, eventId: number): Promise<void> {
  const [event] = await deps.db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  const [shop] = event?.shopId ? await deps.db.select().from(shops).where(eq(shops.id, event.shopId)) : [];
  if (!event || !shop || (event.source !== 'woocommerce' && event.source !== 'bigcommerce')) return;
  const connection = await connectionOf(deps.db, shop.id, event.source);
  if (!connection) return;
  const api = apiForConnection(deps, connection);
  const p = event.payload as Record<string, any>;
  const data = (typeof p.data === 'object' && p.data) || {};
  switch (event.topic) {
    case 'product.updated':
      return productChanged(deps, shop, connection, api, idOf(p.type === 'variation' ? p.parent_id : p.id));
    case 'store/sku/inventory/updated':
    case 'store/product/inventory/updated':
      return productChanged(deps, shop, connection, api, idOf(data.inventory?.product_id ?? (data.type === 'product' ? data.id : null)));
    case 'order.created':
    case 'order.updated':
      return orderChanged(deps, shop, api, idOf(p.id));
    case 'store/order/created':
    case 'store/order/statusUpdated':
      return orderChanged(deps, shop, api, idOf(data.id));
  }
}

/** The product's variants and stock as the store has them now. */
async function productChanged(deps: Deps, shop: Shop, connection: Connection, api: StoreApi, productId: string | null): Promise<void> {
  if (!productId) return;
  const askedAt = deps.clock.now();
  const product = await api.product(productId);
  if (product) await importStoreProducts(deps, shop, connection, [product], askedAt);
}

/**
 * The order as the store has it now: once it takes stock it is an order
 * (backorder detection and conversion, once per order id); cancelled, what it
 * was owed leaves the queue; shipped, the lines a shipment covers in full are
 * shipped, with the parcel's carrier and tracking.
 */
export async function orderChanged(deps: Deps, shop: Shop, api: StoreApi, orderId: string | null): Promise<void> {
  const order = orderId ? await api.order(orderId) : null;
  if (!order || order.status === 'pending') return;
  if (order.status === 'cancelled') return platformOrderCancelled(deps, shop, order.id);
  const lines = await trackedLines(deps, shop.id, order.lines);
  if (lines.length === 0) return;
  await ingestOrder(deps, shop, {
    id: order.id,
    name: order.name,
    email: order.email?.trim().toLowerCase() || undefined,
    phone: undefined,
    currency: order.currency,
    total: order.total,
    lineItems: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity, price: l.price })),
    holdToken: order.holdToken ?? undefined,
    placedAt: order.placedAt,
  });
  if (order.status === 'shipped' || /partially shipped/i.test(order.platformStatus)) await shipped(deps, shop, api, order);
}

/** Each order line every unit of which a shipment covers: its backorder has shipped, with the last parcel's tracking. */
async function shipped(deps: Deps, shop: Shop, api: StoreApi, order: StoreOrder): Promise<void> {
  const covered = new Map<string, { units: number; tracking: Tracking }>();
  for (const shipment of await api.shipments(order.id)) {
    for (const l of shipment.lines) covered.set(l.lineId, { units: (covered.get(l.lineId)?.units ?? 0) + l.quantity, tracking: shipment.tracking });
  }
  for (const line of order.lines) {
    const c = covered.get(line.id);
    if (c && c.units >= line.quantity) await shipOrderLines(deps, shop, order.id, line.variantId, c.tracking);
  }
}
