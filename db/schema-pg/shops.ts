import { sql } from 'drizzle-orm';
import { pgTable, text, json, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ShopSettings } from '../../server/services/settings/schema.ts';
import { timestampMs } from './columns.ts';

/** The Postgres twin of db/schema/shops.ts. */
export const shops = pgTable(
  'shops',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    publishableKey: text('publishable_key').notNull().unique(),
    secretKeyHash: text('secret_key_hash').notNull().unique(),
    shopifyDomain: text('shopify_domain'),
    settings: json('settings').$type<ShopSettings>().notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [uniqueIndex('shops_shopify_domain_idx').on(t.shopifyDomain).where(sql`${t.shopifyDomain} is not null`)],
);
