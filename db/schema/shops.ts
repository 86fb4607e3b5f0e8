import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ShopSettings } from '../../server/services/settings/schema.ts';

/** One store (tenant). The secret key is kept only as a SHA-256 hash. */
export const shops = sqliteTable(
  'shops',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    publishableKey: text('publishable_key').notNull().unique(),
    secretKeyHash: text('secret_key_hash').notNull().unique(),
    /** Normalised `*.myshopify.com` domain, for Shopify webhooks; one shop per domain, or a webhook could land in either. */
    shopifyDomain: text('shopify_domain'),
    settings: text('settings', { mode: 'json' }).$type<ShopSettings>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('shops_shopify_domain_idx').on(t.shopifyDomain).where(sql`${t.shopifyDomain} is not null`)],
);

export type Shop = typeof shops.$inferSelect;
