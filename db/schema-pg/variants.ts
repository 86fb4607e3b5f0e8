import { pgTable, text, json, boolean, primaryKey, index } from 'drizzle-orm/pg-core';
import { ETA_SOURCES, VARIANT_MODES, type EtaBasis } from '../schema/variants.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/variants.ts. */
export const variants = pgTable(
  'variants',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    id: text('id').notNull(),
    productId: text('product_id'),
    productTitle: text('product_title').notNull().default(''),
    title: text('title').notNull().default(''),
    url: text('url'),
    imageUrl: text('image_url'),
    price: int64('price'),
    currency: text('currency'),
    mode: text('mode', { enum: VARIANT_MODES }).notNull().default('waitlist'),
    inventory: int64('inventory').notNull().default(0),
    uncounted: boolean('uncounted').notNull().default(false),
    etaEarliest: text('eta_earliest'),
    etaLatest: text('eta_latest'),
    etaSource: text('eta_source', { enum: ETA_SOURCES }),
    etaBasis: json('eta_basis').$type<EtaBasis>(),
    preorderLimit: int64('preorder_limit'),
    inventoryItemId: text('inventory_item_id'),
    productType: text('product_type'),
    tags: json('tags').$type<string[]>().notNull().default([]),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.id] }),
    index('variants_inventory_item_idx').on(t.shopId, t.inventoryItemId),
  ],
);
