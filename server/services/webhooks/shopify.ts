import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { inventoryLevels, shops, variants, webhookEvents, type Shop } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { storedInventoryItemId, storedProductId, storedVariantId, withoutControls } from '../../lib/fields.ts';
import { safeEqual } from '../../lib/tokens.ts';
import { shipOrderLines, type Tracking } from '../backorders/fulfil.ts';
import { refundOrderLines } from '../backorders/refund.ts';
import { ingestOrder } from '../orders/ingest.ts';
import { platformOrderCancelled } from '../platform/order-events.ts';
import { recordPlatformLevel } from '../platform/settle.ts';
import { upsertVariant } from '../variants/upsert.ts';
import { disconnect } from '../connections/disconnect.ts';
import { connectedWebhookSecret, connectionOf, webhookArrived } from '../connections/store.ts';

export const SHOPIFY_TOPICS = [
  'products/update',
  'inventory_levels/update',
  'orders/create',
  'orders/cancelled',
  'fulfillments/create',
  'refunds/create',
  'app/uninstalled',
] as const;

/**
 * The shop by `X-Shopify-Shop-Domain`, if the body's HMAC (base64 SHA-256,
 * keyed with the shop's webhook secret: its connection's app secret, or the
 * one set by hand in settings) matches, compared in constant time.
 */
export async function verifyShopify(deps: Pick<Deps, 'db' | 'secrets'>, domain: string | undefined, hmac: string | undefined, rawBody: string): Promise<Shop> {
  const [shop] = domain ? await deps.db.select().from(shops).where(eq(shops.shopifyDomain, domain.trim().toLowerCase())) : [];
  const secret = shop && ((await connectedWebhookSecret(deps, shop.id)) ?? shop.settings.shopify?.webhookSecret);
  if (!shop || !secret || !hmac) throw Unauthorized('Webhook signature could not be verified');
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');
  if (!safeEqual(expected, hmac)) throw Unauthorized('Webhook signature could not be verified');
  return shop;
}

/**
 * Stores a verified delivery once (by X-Shopify-Webhook-Id, with the event id
 * beside it) and leaves the work to a job, so Shopify hears 200 at once.
 */
export async function receiveShopify(
  deps: Deps,
  args: { shop: Shop; topic: string; webhookId: string; eventId: string | null; payload: Record<string, unknown> },
): Promise<'queued' | 'duplicate' | 'ignored'> {
  if (!(SHOPIFY_TOPICS as readonly string[]).includes(args.topic)) {
    deps.log('shopify webhook topic ignored', { topic: args.topic, shop: args.shop.id });
    return 'ignored';
  }
  // The delivery row and its job commit together: a repeat finds the row and queues nothing.
  const outcome = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [row] = await tx
      .insert(webhookEvents)
      .values({ source: 'shopify', deliveryId: args.webhookId, eventId: args.eventId, shopId: args.shop.id, topic: args.topic, payload: args.payload, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (!row) return 'duplicate' as const;
    await webhookArrived(tx, args.shop.id, 'shopify', args.topic, now);
    await enqueueJobs(tx, [{ kind: 'shopify.webhook', key: `shopify:${row.id}`, runAt: now, payload: { eventId: row.id } }], now);
    return 'queued' as const;
  });
  if (outcome === 'queued') deps.wake();
  return outcome;
}

/** Job `shopify.webhook`: one stored delivery, by topic. */
export async function processShopifyEvent(deps: Deps, eventId: number): Promise<void> {
  const [event] = await deps.db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  const [shop] = event?.shopId ? await deps.db.select().from(shops).where(eq(shops.id, event.shopId)) : [];
  if (!event || !shop) return;
  const p = event.payload as Record<string, any>;
  switch (event.topic) {
    case 'products/update':
      return syncProduct(deps, shop, p);
    case 'inventory_levels/update':
      return syncInventoryLevel(deps, shop, p);
    case 'orders/create':
      return void (await ingestShopifyOrder(deps, shop, p));
    case 'orders/cancelled':
      return cancelShopifyOrder(deps, shop, p);
    case 'fulfillments/create':
      return shopifyFulfillment(deps, shop, p);
    case 'refunds/create':
      return shopifyRefund(deps, shop, p);
    case 'app/uninstalled':
      return uninstalled(deps, shop);
  }
}

const minor = (price: unknown) => Math.round(Number(price ?? 0) * 100);
/** The objects of a payload list; a signed payload is still input, and a non-list here would fail its job on every retry. */
const objects = (list: unknown): Array<Record<string, any>> =>
  Array.isArray(list) ? list.filter((x): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];

/** A platform's text as we store it: a string, without control characters, bounded. */
const text = (value: unknown, max = 255) => withoutControls(String(value ?? '')).trim().slice(0, max);

/**
 * A Shopify id as we store it: REST payloads carry the number in `id` and the
 * GID beside it in `admin_graphql_api_id`; either (or a GID where the number
 * should be) gives the number. null when the payload has neither.
 */
const idOf = (o: Record<string, any>, stored: (id: string) => string, key = 'id'): string | null => {
  const raw = o[key] ?? (key === 'id' ? o.admin_graphql_api_id : undefined);
  return raw === undefined || raw === null || raw === '' ? null : stored(String(raw));
};

/** products/update: every variant, with its inventory item id for the inventory webhooks. */
async function syncProduct(deps: Deps, shop: Shop, p: Record<string, any>): Promise<void> {
  const domain = shop.settings.shopify?.domain;
  const tags = text(p.tags, 100_000)
    .split(',')
    .map((t) => t.trim().slice(0, 100))
    .filter(Boolean)
    .slice(0, 250);
  const productId = idOf(p, storedProductId);
  for (const v of objects(p.variants)) {
    const id = idOf(v, storedVariantId);
    if (!id) continue;
    await upsertVariant(deps, shop, id, {
      productId,
      productTitle: text(p.title),
      title: v.title === 'Default Title' ? '' : text(v.title),
      price: minor(v.price),
      productType: p.product_type ? text(p.product_type) : null,
      tags,
      inventoryItemId: idOf(v, storedInventoryItemId, 'inventory_item_id'),
      url: domain && p.handle ? `https://${domain}/products/${encodeURIComponent(String(p.handle))}?variant=${id}` : null,
    });
  }
}

/** A platform timestamp, or `fallback` when the payload has none we can read. */
const platformTime = (value: unknown, fallback: Date) => {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : fallback;
};

/**
 * inventory_levels/update carries no variant id: the inventory item maps to
 * one. With several locations the variant's stock is the sum over the ones the
 * shop counts. Applied as a set, so a repeat is a no-op and a rise allocates;
 * a report older than the one stored for its location (a late delivery) does
 * not overwrite it. The level is judged with the orders it includes (platform/settle.ts).
 */
async function syncInventoryLevel(deps: Deps, shop: Shop, p: Record<string, any>): Promise<void> {
  const itemId = idOf(p, storedInventoryItemId, 'inventory_item_id') ?? '';
  const locationId = String(p.location_id ?? '');
  if (!itemId || !locationId || !Number.isSafeInteger(p.available)) return;
  await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const reportedAt = platformTime(p.updated_at, now);
    const key = and(eq(inventoryLevels.shopId, shop.id), eq(inventoryLevels.inventoryItemId, itemId), eq(inventoryLevels.locationId, locationId));
    // The variant's lock first: another location's report committing meanwhile is then in the sum below.
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.inventoryItemId, itemId))).limit(1);
    if (variant) await twins(tx).locks.lockVariants(tx, shop.id, [variant.id]);
    const [stored] = await tx.select().from(inventoryLevels).where(key);
    if (stored?.reportedAt && stored.reportedAt > reportedAt) return;
    await tx
      .insert(inventoryLevels)
      .values({ shopId: shop.id, inventoryItemId: itemId, locationId, available: p.available, updatedAt: now, reportedAt })
      .onConflictDoUpdate({
        target: [inventoryLevels.shopId, inventoryLevels.inventoryItemId, inventoryLevels.locationId],
        set: { available: p.available, updatedAt: now, reportedAt },
        // Checked again in the statement: a newer report for this location may have committed since the read above.
        setWhere: sql`${inventoryLevels.reportedAt} is null or ${inventoryLevels.reportedAt} <= excluded.reported_at`,
      });
    if (!variant) return;
    const counted = shop.settings.shopify?.locations;
    const levels = await tx.select().from(inventoryLevels).where(and(eq(inventoryLevels.shopId, shop.id), eq(inventoryLevels.inventoryItemId, itemId)));
    const total = levels.filter((l) => !counted || counted.includes(l.locationId)).reduce((n, l) => n + l.available, 0);
    await recordPlatformLevel(tx, deps, shop, variant.id, total, reportedAt);
  });
  deps.wake();
}

/** orders/create: the hold comes back as the note attribute `waitline_hold`; products Waitline does not track are left out. */
async function ingestShopifyOrder(deps: Deps, shop: Shop, p: Record<string, any>) {
  // An order without an email still took stock on the platform: it is counted, nobody is written to.
  const email = p.email || p.contact_email || p.customer?.email;
  const hold = objects(p.note_attributes).find((a) => a.name === 'waitline_hold')?.value;
  const lineItems = objects(p.line_items)
    .filter((l) => l.variant_id)
    .map((l) => ({ variantId: storedVariantId(String(l.variant_id)), quantity: Number(l.quantity) || 1, price: minor(l.price) }));
  const tracked = [];
  for (const l of lineItems) {
    const [known] = await deps.db.select({ id: variants.id }).from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, l.variantId)));
    if (known) tracked.push(l);
  }
  if (tracked.length === 0) return;
  return ingestOrder(deps, shop, {
    id: String(p.id),
    name: typeof p.name === 'string' && p.name.trim() ? p.name.trim().slice(0, 255) : undefined,
    email: email ? String(email).trim().toLowerCase() : undefined,
    phone: undefined,
    ordersCount: typeof p.customer?.orders_count === 'number' ? p.customer.orders_count : undefined,
    currency: String(p.currency ?? 'USD'),
    total: minor(p.total_price ?? p.current_total_price),
    lineItems: tracked,
    holdToken: typeof hold === 'string' && /^[\w-]{10,64}$/.test(hold) ? hold : undefined,
    placedAt: platformTime(p.created_at, deps.clock.now()),
  });
}

/** app/uninstalled: the store revoked our token; the connection ends here too (a shop without one has nothing to end). */
async function uninstalled(deps: Deps, shop: Shop): Promise<void> {
  if (await connectionOf(deps.db, shop.id, 'shopify')) await disconnect(deps, shop, 'shopify', 'store');
}

/** orders/cancelled: what the order was still owed leaves the queue (Shopify restocks through its own inventory webhook). */
const cancelShopifyOrder = (deps: Deps, shop: Shop, p: Record<string, any>) => platformOrderCancelled(deps, shop, String(p.id));

/** A link we may put on a button in an email: http(s) only, bounded. */
const linkOf = (value: unknown): string | undefined => {
  const url = typeof value === 'string' ? value.trim() : '';
  if (!url || url.length > 2048) return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
};

/** The parcel as a fulfillment names it; the first of several tracking numbers. */
function trackingOf(p: Record<string, any>): Tracking {
  const first = (one: unknown, many: unknown) => (typeof one === 'string' && one ? one : Array.isArray(many) ? many.find((x) => typeof x === 'string' && x) : undefined);
  const tracking: Tracking = {};
  const carrier = text(p.tracking_company, 100);
  const number = text(first(p.tracking_number, p.tracking_numbers), 100);
  const url = linkOf(first(p.tracking_url, p.tracking_urls));
  if (carrier) tracking.carrier = carrier;
  if (number) tracking.trackingNumber = number;
  if (url) tracking.trackingUrl = url;
  return tracking;
}

/**
 * fulfillments/create: a shipment exists, so a backorder it covers is
 * "shipped", with the carrier and tracking (SPEC §5). An order line's units
 * in stock ship first; its backordered units have shipped only when the line
 * has nothing left to fulfil (`fulfillable_quantity` 0, or `fulfillment_status`
 * "fulfilled" where an older payload lacks the count). A fulfillment that is
 * cancelled, failed or still pending at a fulfillment service is no shipment.
 * https://shopify.dev/docs/api/admin-rest/latest/resources/fulfillment
 */
async function shopifyFulfillment(deps: Deps, shop: Shop, p: Record<string, any>): Promise<void> {
  if (p.order_id === undefined || p.order_id === null) return;
  if (p.status !== undefined && p.status !== null && p.status !== 'success') return;
  const orderId = String(p.order_id);
  const tracking = trackingOf(p);
  for (const item of objects(p.line_items)) {
    if (!item.variant_id) continue;
    const left = Number.isSafeInteger(item.fulfillable_quantity) ? item.fulfillable_quantity : item.fulfillment_status === 'fulfilled' ? 0 : null;
    if (left !== 0) continue;
    await shipOrderLines(deps, shop, orderId, storedVariantId(String(item.variant_id)), tracking);
  }
}

/**
 * refunds/create: money went back on the platform. Only a refund with a
 * successful refund transaction moved money, so only then is a customer told
 * (SPEC §5). Each refunded order line pays back its backorder lines' owed
 * units, at the line's refunded price per unit.
 * https://shopify.dev/docs/api/admin-rest/latest/resources/refund
 */
async function shopifyRefund(deps: Deps, shop: Shop, p: Record<string, any>): Promise<void> {
  if (p.order_id === undefined || p.order_id === null) return;
  const confirmed = objects(p.transactions).some((t) => t.kind === 'refund' && t.status === 'success');
  if (!confirmed) return;
  for (const r of objects(p.refund_line_items)) {
    const variantId = r.line_item?.variant_id;
    const quantity = Number(r.quantity);
    if (!variantId || !Number.isSafeInteger(quantity) || quantity <= 0) continue;
    const perUnit = Math.round(minor(r.subtotal) / quantity);
    await refundOrderLines(deps, shop, String(p.order_id), storedVariantId(String(variantId)), { units: quantity, perUnit });
  }
}
