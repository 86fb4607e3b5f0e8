import { pgTable, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { ATTRIBUTIONS } from '../schema/conversions.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/conversions.ts. */
export const conversions = pgTable(
  'conversions',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    signupId: int64('signup_id').notNull(),
    offerId: int64('offer_id'),
    orderId: text('order_id').notNull(),
    variantId: text('variant_id').notNull(),
    attribution: text('attribution', { enum: ATTRIBUTIONS }).notNull(),
    revenue: int64('revenue').notNull(),
    currency: text('currency').notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('conversions_signup_idx').on(t.signupId),
    index('conversions_shop_created_idx').on(t.shopId, t.createdAt),
  ],
);
