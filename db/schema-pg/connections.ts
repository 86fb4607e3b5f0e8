import { pgTable, text, json, boolean, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../schema/connections.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twins of db/schema/connections.ts. */
export const connections = pgTable(
  'connections',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    account: text('account').notNull(),
    method: text('method', { enum: ['client_credentials', 'oauth', 'token'] }).notNull(),
    credentials: text('credentials').notNull(),
    scopes: json('scopes').$type<string[]>().notNull(),
    tokenExpiresAt: timestampMs('token_expires_at'),
    origins: json('origins').$type<string[]>().notNull(),
    syncStatus: text('sync_status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
    syncCursor: text('sync_cursor'),
    productsImported: int64('products_imported').notNull(),
    variantsImported: int64('variants_imported').notNull(),
    variantsTotal: int64('variants_total'),
    syncStartedAt: timestampMs('sync_started_at'),
    syncFinishedAt: timestampMs('sync_finished_at'),
    error: text('error'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [uniqueIndex('connections_shop_platform_idx').on(t.shopId, t.platform), uniqueIndex('connections_account_idx').on(t.platform, t.account)],
);

export const connectionWebhooks = pgTable(
  'connection_webhooks',
  {
    connectionId: int64('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    registeredAt: timestampMs('registered_at').notNull(),
    lastArrivedAt: timestampMs('last_arrived_at'),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.topic] })],
);

export const widgetSightings = pgTable(
  'widget_sightings',
  {
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    origin: text('origin').notNull(),
    allowed: boolean('allowed').notNull(),
    lastSeenAt: timestampMs('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.origin] })],
);

export const platformReservations = pgTable(
  'platform_reservations',
  {
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    variantId: text('variant_id').notNull(),
    inventoryItemId: text('inventory_item_id').notNull(),
    locationId: text('location_id'),
    reserved: int64('reserved').notNull(),
    moves: int64('moves').notNull(),
    pendingDelta: int64('pending_delta'),
    pendingLocationId: text('pending_location_id'),
    pendingKey: text('pending_key'),
    pendingAt: timestampMs('pending_at'),
    pendingBefore: int64('pending_before'),
    error: text('error'),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.variantId] })],
);
