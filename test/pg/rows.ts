import * as s from '../../db/schema/index.ts';
import { settingsSchema } from '../../server/services/settings/schema.ts';
import type { TableName } from '../schema-tables.ts';

/**
 * One row for every table, in an order that satisfies the foreign keys, with
 * the values that tell a faithful copy from a near one: instants with
 * milliseconds, amounts past 2^31 (a rupiah total), negative stock, JSON whose
 * keys are not in sorted order (jsonb would reorder them), non-ASCII text,
 * true booleans and nulls. Columns with a default are mostly left out, so the
 * database's own default is what comes back.
 */
const at = new Date('2026-03-02T12:00:00.123Z');
const later = new Date('2026-03-09T08:30:59.999Z');
const big = 2 ** 40 + 7;
const unsorted = { zeta: 1, alpha: { z: 'é', a: [3, 1, 2] }, mid: null };

export const ROWS = {
  shops: { id: 'shop_1', name: 'Kiln & Co', publishableKey: 'pk_1', secretKeyHash: 'sk_hash_1', shopifyDomain: 'kiln.myshopify.com', settings: settingsSchema.parse({}), createdAt: at },
  variants: {
    shopId: 'shop_1',
    id: 'v1',
    productTitle: 'Mug «grand»',
    price: big,
    currency: 'IDR',
    inventory: -3,
    etaSource: 'purchase-order',
    etaBasis: { purchaseOrderId: 1, supplierId: 1, supplier: 'Kiln & Co', quotedArrival: '2026-04-01', slipLow: -1, slipHigh: 4, handlingDays: 2, from: 'prior', receipts: 0 },
    tags: ['zz', 'aa'],
    createdAt: at,
    updatedAt: later,
  },
  contacts: { id: 1, shopId: 'shop_1', email: 'ana@example.com', phone: '+33612345678', smsConsentAt: at, token: 'ct_1', createdAt: at },
  signups: { id: 1, shopId: 'shop_1', variantId: 'v1', contactId: 1, seq: big, status: 'waiting', token: 'su_1', createdAt: at, updatedAt: later, lapseNoticeAt: later },
  offers: { id: 1, shopId: 'shop_1', variantId: 'v1', signupId: 1, restockId: 1, units: 2, position: 1, token: 'of_1', expiresAt: later, createdAt: at, cartUntil: later },
  messages: { id: 1, shopId: 'shop_1', contactId: 1, signupId: 1, publicId: 'm_1', idempotencyKey: 'offer:1', template: 'offer', channel: 'email', to: 'ana@example.com', props: unsorted, track: true, sendAfter: at, createdAt: at, headers: { 'X-B': '2', 'X-A': '1' } },
  jobs: { id: 1, kind: 'hold-expiry', payload: unsorted, key: 'hold:1', runAt: later, createdAt: at },
  restocks: { id: 1, shopId: 'shop_1', variantId: 'v1', fromInventory: -3, toInventory: 5, units: 5, backorderUnits: 3, createdAt: at },
  orders: { shopId: 'shop_1', id: 'o_1', name: '#1042', contactId: 1, currency: 'IDR', total: big * 3, lines: [{ variantId: 'v1', quantity: 3, price: big, fromHold: 1, fromStock: 0, backordered: 2 }], createdAt: at },
  conversions: { id: 1, shopId: 'shop_1', signupId: 1, offerId: 1, orderId: 'o_1', variantId: 'v1', attribution: 'direct', revenue: big, currency: 'IDR', createdAt: at },
  kv: { key: 'link-secret', value: 'ünïcode ✓' },
  rateLimits: { key: 'ip:203.0.113.9@29556000', points: 3, expire: big },
  backorders: { id: 1, shopId: 'shop_1', orderId: 'o_1', orderName: '#1042', variantId: 'v1', contactId: 1, quantity: 2, price: big, currency: 'IDR', token: 'bo_1', createdAt: at, tracking: { trackingUrl: 'https://t.example/1', carrier: 'DHL' } },
  escalations: { id: 1, shopId: 'shop_1', kind: 'order_value', summary: 'Big order', recommendedAction: 'Call', key: 'esc:o_1', createdAt: at },
  etaChanges: { id: 1, shopId: 'shop_1', variantId: 'v1', toEarliest: '2026-04-01', toLatest: '2026-04-09', createdAt: at },
  webhookEvents: { id: 1, source: 'shopify', deliveryId: 'd_1', topic: 'orders/create', payload: unsorted, receivedAt: at },
  inventoryLevels: { shopId: 'shop_1', inventoryItemId: 'ii_1', locationId: 'loc_1', available: -2, updatedAt: at, reportedAt: later },
  webhookDeliveries: { id: 1, shopId: 'shop_1', messageId: 'msg_1', event: 'offer.created', payload: '{"z":1,"a":2}', nextAttemptAt: later, lastStatus: 503, createdAt: at },
  queueActions: { id: 1, shopId: 'shop_1', signupId: 1, variantId: 'v1', action: 'move_to_front', reason: 'VIP', createdAt: at },
  suppliers: { id: 1, shopId: 'shop_1', name: 'Kiln & Co', createdAt: at },
  purchaseOrders: { id: 1, shopId: 'shop_1', supplierId: 1, variantId: 'v1', quantity: 10, quotedArrival: '2026-04-01', createdAt: at, updatedAt: later },
  poReceipts: { id: 1, shopId: 'shop_1', supplierId: 1, purchaseOrderId: 1, variantId: 'v1', quantity: 4, quotedArrival: '2026-04-01', receivedAt: later, slipDays: -2, createdAt: at },
  queueCounts: { shopId: 'shop_1', variantId: 'v2', waiting: 7 },
  contactConfirmations: { id: 1, shopId: 'shop_1', contactId: 1, kind: 'phone', value: '+33700000000', smsConsent: true, tokenHash: 'th_1', createdAt: at, expiresAt: later },
  webhookEndpoints: { shopId: 'shop_1', channel: 'escalation', failures: 3, failingSince: at },
  retiredPublishableKeys: { key: 'pk_0', shopId: 'shop_1', retiredAt: at, expiresAt: later },
  smsBudget: { hour: 494_000, shopId: 'shop_1', sent: 2 },
  emailCaps: { day: 20_500, addressHash: 'ah_1' },
  platformLevels: { id: 1, shopId: 'shop_1', variantId: 'v1', at, level: -4 },
  platformOrderLines: { id: 1, shopId: 'shop_1', orderId: 'o_1', variantId: 'v1', quantity: 3, price: big, placedAt: at, receivedAt: later },
  connections: {
    id: 1,
    shopId: 'shop_1',
    platform: 'shopify',
    account: 'kiln.myshopify.com',
    method: 'client_credentials',
    credentials: 'v1.aXY.dGFn.Y2lwaGVy',
    scopes: ['write_inventory', 'read_products'],
    tokenExpiresAt: later,
    origins: ['https://kiln.myshopify.com', 'https://kiln.example'],
    syncStatus: 'running',
    syncCursor: 'eyJsYXN0X2lkIjo5fQ==',
    productsImported: 12,
    variantsImported: 40,
    variantsTotal: big,
    syncStartedAt: at,
    error: 'Missing scope «write_inventory»',
    createdAt: at,
    updatedAt: later,
  },
  connectionWebhooks: { connectionId: 1, topic: 'INVENTORY_LEVELS_UPDATE', subscriptionId: 'gid://shopify/WebhookSubscription/1', registeredAt: at, lastArrivedAt: later },
  widgetSightings: { shopId: 'shop_1', origin: 'https://kiln.example', allowed: true, lastSeenAt: later },
  writeBacks: {
    id: 1,
    shopId: 'shop_1',
    platform: 'shopify',
    kind: 'refund',
    orderId: 'o_1',
    backorderId: 1,
    requestedBy: 'customer:1',
    idempotencyKey: 'waitline-refund-abc-1',
    status: 'done',
    amount: big,
    currency: 'USD',
    platformId: '929361462',
    error: 'Shopify did not answer',
    createdAt: at,
    finishedAt: later,
  },
  platformReservations: {
    shopId: 'shop_1',
    variantId: 'v1',
    inventoryItemId: '46012345678901',
    locationId: '71234567890',
    reserved: 2,
    moves: big,
    pendingDelta: -1,
    pendingLocationId: '71234567890',
    pendingKey: 'waitline:reserve:shop_1:v1:3',
    pendingAt: at,
    error: 'The stock was sold before it could be reserved',
    updatedAt: later,
  },
} satisfies { [K in TableName]: (typeof s)[K]['$inferInsert'] };
