import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * `waiting` for stock; `allocated` once every owed unit was served from stock
 * (being packed); `shipped` once a fulfillment exists; `cancelled` (the API
 * shows a cancelled line with a refund on record as `refunded`).
 */
export const BACKORDER_STATUSES = ['waiting', 'allocated', 'shipped', 'cancelled'] as const;
export type BackorderStatus = (typeof BACKORDER_STATUSES)[number];

/**
 * The part of an order line that could not be fulfilled from stock: paid for
 * and owed. Lines wait in order-time FIFO (by id) and are served before any
 * waitlist offer when stock rises below zero (SPEC §2).
 */
export const backorders = sqliteTable(
  'backorders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    orderId: text('order_id').notNull(),
    /** The order's name as customers know it (orders.name), for every message and page about the line. */
    orderName: text('order_name').notNull(),
    variantId: text('variant_id').notNull(),
    contactId: integer('contact_id').notNull(),
    /** Units owed when the order came in. */
    quantity: integer('quantity').notNull(),
    /** Units served from stock so far; a line with 0 < served < quantity was partly served. */
    served: integer('served').notNull().default(0),
    /** Minor units, per unit: the order line's price. */
    price: integer('price').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: BACKORDER_STATUSES }).notNull().default('waiting'),
    /** The cancel-for-full-refund link (`/b/:token`). */
    token: text('token').notNull().unique(),
    locale: text('locale').notNull().default('en'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    /**
     * When the merchant (or the platform) confirmed the refund of what was
     * still owed: only then is the customer told the money moved (SPEC §5).
     * The line is `cancelled` too; the API shows it as `refunded`.
     */
    refundedAt: integer('refunded_at', { mode: 'timestamp_ms' }),
    /** Minor units actually refunded, in the line's currency. */
    refundedAmount: integer('refunded_amount'),
    /** The shipment's carrier and tracking, from the platform's fulfillment or the merchant's `POST …/fulfilled`, shown to the customer. */
    tracking: text('tracking', { mode: 'json' }).$type<{ carrier?: string; trackingNumber?: string; trackingUrl?: string }>(),
  },
  (t) => [
    // Order-time FIFO: a platform order can be judged after a later one (platform/settle.ts).
    index('backorders_queue_idx').on(t.shopId, t.variantId, t.status, t.createdAt, t.id),
    index('backorders_order_idx').on(t.shopId, t.orderId),
  ],
);

export type Backorder = typeof backorders.$inferSelect;
