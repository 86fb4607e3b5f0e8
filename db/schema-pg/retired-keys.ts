import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/retired-keys.ts. */
export const retiredPublishableKeys = pgTable(
  'retired_publishable_keys',
  {
    key: text('key').primaryKey(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    retiredAt: timestampMs('retired_at').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
  },
  (t) => [index('retired_publishable_keys_shop_idx').on(t.shopId), index('retired_publishable_keys_expires_idx').on(t.expiresAt)],
);
