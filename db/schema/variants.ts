import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const VARIANT_MODES = ['waitlist', 'preorder', 'off'] as const;
export type VariantMode = (typeof VARIANT_MODES)[number];

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
    etaEarliest: text('eta_earliest'),
    etaLatest: text('eta_latest'),
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
