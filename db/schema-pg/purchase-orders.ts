import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { PURCHASE_ORDER_STATUSES } from '../schema/purchase-orders.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';
import { suppliers } from './suppliers.ts';

/** The Postgres twin of db/schema/purchase-orders.ts. */
export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    supplierId: int64('supplier_id').notNull().references(() => suppliers.id),
    variantId: text('variant_id').notNull(),
    quantity: int64('quantity').notNull(),
    receivedQuantity: int64('received_quantity').notNull().default(0),
    quotedArrival: text('quoted_arrival').notNull(),
    status: text('status', { enum: PURCHASE_ORDER_STATUSES }).notNull().default('open'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
    closedAt: timestampMs('closed_at'),
  },
  (t) => [
    index('purchase_orders_variant_idx').on(t.shopId, t.variantId, t.status, t.quotedArrival),
    index('purchase_orders_supplier_idx').on(t.shopId, t.supplierId, t.status),
  ],
);
