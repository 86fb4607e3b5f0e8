import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { signups } from './signups.ts';

export const OFFER_STATUSES = ['active', 'claimed', 'purchased', 'expired', 'released'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** Units held for one signup until `expiresAt`. */
export const offers = sqliteTable(
  'offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    signupId: integer('signup_id').notNull().references(() => signups.id),
    units: integer('units').notNull(),
    status: text('status', { enum: OFFER_STATUSES }).notNull().default('active'),
    token: text('token').notNull().unique(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('offers_variant_status_idx').on(t.shopId, t.variantId, t.status),
    index('offers_signup_idx').on(t.signupId),
  ],
);

export type Offer = typeof offers.$inferSelect;
