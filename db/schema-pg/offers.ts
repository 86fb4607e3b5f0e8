import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { OFFER_STATUSES } from '../schema/offers.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';
import { signups } from './signups.ts';

/** The Postgres twin of db/schema/offers.ts. */
export const offers = pgTable(
  'offers',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    signupId: int64('signup_id').notNull().references(() => signups.id),
    restockId: int64('restock_id'),
    units: int64('units').notNull(),
    position: int64('position').notNull(),
    status: text('status', { enum: OFFER_STATUSES }).notNull().default('active'),
    token: text('token').notNull().unique(),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    claimedAt: timestampMs('claimed_at'),
    resolvedAt: timestampMs('resolved_at'),
    openedAt: timestampMs('opened_at'),
    clickedAt: timestampMs('clicked_at'),
    cartUntil: timestampMs('cart_until'),
  },
  (t) => [
    index('offers_variant_status_idx').on(t.shopId, t.variantId, t.status),
    index('offers_signup_idx').on(t.signupId),
    index('offers_shop_created_idx').on(t.shopId, t.createdAt, t.variantId, t.status, t.claimedAt, t.openedAt, t.clickedAt),
  ],
);
