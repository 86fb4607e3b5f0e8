import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * A publishable key replaced by a rotation, still honoured until `expiresAt`
 * so widgets already in live themes keep working while the merchant pastes
 * the new tag. Secret keys never come here: an old one stops at once.
 */
export const retiredPublishableKeys = sqliteTable(
  'retired_publishable_keys',
  {
    key: text('key').primaryKey(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    retiredAt: integer('retired_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('retired_publishable_keys_shop_idx').on(t.shopId), index('retired_publishable_keys_expires_idx').on(t.expiresAt)],
);

export type RetiredPublishableKey = typeof retiredPublishableKeys.$inferSelect;
