import { pgTable, text, json, index } from 'drizzle-orm/pg-core';
import { BACKORDER_STATUSES } from '../schema/backorders.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/backorders.ts. */
export const backorders = pgTable(
  'backorders',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    orderId: text('order_id').notNull(),
    orderName: text('order_name').notNull(),
    variantId: text('variant_id').notNull(),
    contactId: int64('contact_id').notNull(),
    quantity: int64('quantity').notNull(),
    served: int64('served').notNull().default(0),
    price: int64('price').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: BACKORDER_STATUSES }).notNull().default('waiting'),
    token: text('token').notNull().unique(),
    locale: text('locale').notNull().default('en'),
    createdAt: timestampMs('created_at').notNull(),
    resolvedAt: timestampMs('resolved_at'),
    refundedAt: timestampMs('refunded_at'),
    refundedAmount: int64('refunded_amount'),
    tracking: json('tracking').$type<{ carrier?: string; trackingNumber?: string; trackingUrl?: string }>(),
  },
  (t) => [
    index('backorders_queue_idx').on(t.shopId, t.variantId, t.status, t.createdAt, t.id),
    index('backorders_order_idx').on(t.shopId, t.orderId),
  ],
);
