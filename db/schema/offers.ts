import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { signups } from './signups.ts';

/** Every offer ends in exactly one of these, after `active`. */
export const OFFER_STATUSES = ['active', 'purchased', 'expired', 'cancelled'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** Units held for one signup until `expiresAt`; while active they are not for sale to the public. */
export const offers = sqliteTable(
  'offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    signupId: integer('signup_id').notNull().references(() => signups.id),
    /** The restock that freed these units (a cascade keeps its restock). */
    restockId: integer('restock_id'),
    units: integer('units').notNull(),
    /** The place in line when offered ("you were #3"). */
    position: integer('position').notNull(),
    status: text('status', { enum: OFFER_STATUSES }).notNull().default('active'),
    token: text('token').notNull().unique(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** When an order claimed the hold; following the claim link is a click, not a claim. */
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    /**
     * First open and first click of any message about this offer, copied here
     * when they are recorded (`messages/track.ts`), so the funnel counts offers
     * without probing their messages.
     */
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }),
    clickedAt: integer('clicked_at', { mode: 'timestamp_ms' }),
    /**
     * Until when the holder is taken to be at the checkout, after following the
     * claim link (`config.cartWindowMs` from the latest click): the platform's
     * reservation is lifted for them meanwhile, so they can buy the unit.
     */
    cartUntil: integer('cart_until', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('offers_variant_status_idx').on(t.shopId, t.variantId, t.status),
    index('offers_signup_idx').on(t.signupId),
    // Covers every analytics read of offers by period (funnel, timeseries, products): no row lookups.
    index('offers_shop_created_idx').on(t.shopId, t.createdAt, t.variantId, t.status, t.claimedAt, t.openedAt, t.clickedAt),
  ],
);

export type Offer = typeof offers.$inferSelect;
