import { sqliteTable, text, integer, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * A store connected to a shop: at most one per platform per shop, and one
 * shop per store (`account`: the `*.myshopify.com` domain, the WooCommerce
 * URL or the BigCommerce store hash), or a webhook could land in either.
 * `credentials` is sealed (server/lib/secrets.ts): readable only with
 * WAITLINE_SECRET_KEY. The catalog import keeps its place (`syncCursor`), so
 * a sync that stopped (a kill, a 5xx past its retries) resumes there.
 */
export const connections = sqliteTable(
  'connections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    account: text('account').notNull(),
    /** How the credentials were given: the client-credentials grant, an OAuth install, or a pasted token. */
    method: text('method', { enum: ['client_credentials', 'oauth', 'token'] }).notNull(),
    credentials: text('credentials').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    /** When a granted token lapses (client credentials: 24 h); null for tokens that do not. */
    tokenExpiresAt: integer('token_expires_at', { mode: 'timestamp_ms' }),
    /** The storefront origins the connection allowed, so a disconnect takes back only those. */
    origins: text('origins', { mode: 'json' }).$type<string[]>().notNull(),
    syncStatus: text('sync_status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
    syncCursor: text('sync_cursor'),
    productsImported: integer('products_imported').notNull(),
    variantsImported: integer('variants_imported').notNull(),
    /** The platform's own count when it gave one: the progress bar's whole. */
    variantsTotal: integer('variants_total'),
    syncStartedAt: integer('sync_started_at', { mode: 'timestamp_ms' }),
    syncFinishedAt: integer('sync_finished_at', { mode: 'timestamp_ms' }),
    /** What went wrong last (a sync or a token refresh), as the dashboard shows it; null when all is well. */
    error: text('error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('connections_shop_platform_idx').on(t.shopId, t.platform), uniqueIndex('connections_account_idx').on(t.platform, t.account)],
);

export type Connection = typeof connections.$inferSelect;

/** A webhook subscription a connection registered, and when a delivery of its topic last arrived. */
export const connectionWebhooks = sqliteTable(
  'connection_webhooks',
  {
    connectionId: integer('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    /** The platform's id for the subscription (a GID on Shopify), to delete it on disconnect. */
    subscriptionId: text('subscription_id').notNull(),
    registeredAt: integer('registered_at', { mode: 'timestamp_ms' }).notNull(),
    lastArrivedAt: integer('last_arrived_at', { mode: 'timestamp_ms' }),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.topic] })],
);

export type ConnectionWebhook = typeof connectionWebhooks.$inferSelect;

/**
 * The pages the widget was last seen on, per shop and page origin: written by
 * the storefront config route at most once a minute per origin and process,
 * whether the origin was allowed or refused, so the Connect page can say
 * "seen on https://… 2 minutes ago" or why it was turned away.
 */
export const widgetSightings = sqliteTable(
  'widget_sightings',
  {
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    origin: text('origin').notNull(),
    allowed: integer('allowed', { mode: 'boolean' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.origin] })],
);

export type WidgetSighting = typeof widgetSightings.$inferSelect;

/**
 * Units Waitline holds for offers, taken out of the platform's sellable stock
 * (Shopify: moved from `available` to `reserved` at one location), per variant.
 * `reserved` is what the platform confirmed. A move is written here before it
 * is asked for (`pending*`) and confirmed after, so a crash in between retries
 * it with the same idempotency key and the platform does it once.
 */
export const platformReservations = sqliteTable(
  'platform_reservations',
  {
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    variantId: text('variant_id').notNull(),
    inventoryItemId: text('inventory_item_id').notNull(),
    /** Where the units are reserved; null while none are. */
    locationId: text('location_id'),
    reserved: integer('reserved').notNull(),
    /** Moves asked for so far: each move's idempotency key carries its number. */
    moves: integer('moves').notNull(),
    /** The move asked for and not yet confirmed: + reserves, − gives back. */
    pendingDelta: integer('pending_delta'),
    pendingLocationId: text('pending_location_id'),
    pendingKey: text('pending_key'),
    pendingAt: integer('pending_at', { mode: 'timestamp_ms' }),
    /**
     * The sellable level read just before a store without idempotency keys (WooCommerce, BigCommerce) was
     * asked to adjust: after a crash, the level now tells whether the adjustment was made (platform/store-holds.ts).
     */
    pendingBefore: integer('pending_before'),
    /** Why the last move failed (the stock was sold meanwhile, say), for the Connect page; null when it went through. */
    error: text('error'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.variantId] })],
);

export type PlatformReservation = typeof platformReservations.$inferSelect;
