import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const VARIANT_MODES = ['waitlist', 'preorder', 'off'] as const;
export type VariantMode = (typeof VARIANT_MODES)[number];

/** Who set the ETA: the merchant (it wins), or the earliest open purchase order. */
export const ETA_SOURCES = ['merchant', 'purchase-order'] as const;
export type EtaSourceKind = (typeof ETA_SOURCES)[number];

/** What a purchase-order ETA was derived from, kept as it was when customers were told. */
export interface EtaBasis {
  purchaseOrderId: number;
  supplierId: number;
  supplier: string;
  quotedArrival: string;
  slipLow: number;
  slipHigh: number;
  handlingDays: number;
  /** `supplier`: its own history; `blended`: thin history mixed with the prior; `prior`: no history yet. */
  from: 'supplier' | 'blended' | 'prior';
  receipts: number;
}

/** The unit of stock and of queueing; `id` is the platform's own variant id. */
export const variants = sqliteTable(
  'variants',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    id: text('id').notNull(),
    productId: text('product_id'),
    productTitle: text('product_title').notNull().default(''),
    title: text('title').notNull().default(''),
    url: text('url'),
    imageUrl: text('image_url'),
    /** Minor units. */
    price: integer('price'),
    currency: text('currency'),
    mode: text('mode', { enum: VARIANT_MODES }).notNull().default('waitlist'),
    /** The platform's available count; negative when the store oversells (backorders). */
    inventory: integer('inventory').notNull().default(0),
    /**
     * The connected store sells it without counting its stock (WooCommerce without "Manage stock", BigCommerce
     * without inventory tracking) and says it is for sale: `inventory` means nothing, and the widget leaves its page alone.
     */
    uncounted: integer('uncounted', { mode: 'boolean' }).notNull().default(false),
    etaEarliest: text('eta_earliest'),
    etaLatest: text('eta_latest'),
    /** null with an ETA is a merchant's ETA from before purchase orders existed. */
    etaSource: text('eta_source', { enum: ETA_SOURCES }),
    etaBasis: text('eta_basis', { mode: 'json' }).$type<EtaBasis>(),
    preorderLimit: integer('preorder_limit'),
    inventoryItemId: text('inventory_item_id'),
    productType: text('product_type'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('variants_inventory_item_idx').on(t.shopId, t.inventoryItemId),
  ],
);

export type Variant = typeof variants.$inferSelect;
