import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const ATTRIBUTIONS = ['direct', 'assisted'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/**
 * A purchase credited to a signup: `direct` when it carried the hold token or
 * followed a tracked click, `assisted` when only the contact and variant matched
 * within the attribution window. One per signup.
 */
export const conversions = sqliteTable(
  'conversions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    signupId: integer('signup_id').notNull(),
    offerId: integer('offer_id'),
    orderId: text('order_id').notNull(),
    variantId: text('variant_id').notNull(),
    attribution: text('attribution', { enum: ATTRIBUTIONS }).notNull(),
    /** Minor units. */
    revenue: integer('revenue').notNull(),
    currency: text('currency').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('conversions_signup_idx').on(t.signupId),
    index('conversions_shop_created_idx').on(t.shopId, t.createdAt),
  ],
);

export type Conversion = typeof conversions.$inferSelect;
