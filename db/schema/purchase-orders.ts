import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { suppliers } from './suppliers.ts';

/** `received` is also a PO closed short (`receivedQuantity < quantity`); `cancelled` is one closed with nothing received. */
export const PURCHASE_ORDER_STATUSES = ['open', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

/** Units on order from a supplier for one variant, with the date the supplier quoted. */
export const purchaseOrders = sqliteTable(
  'purchase_orders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    supplierId: integer('supplier_id').notNull().references(() => suppliers.id),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    receivedQuantity: integer('received_quantity').notNull().default(0),
    /** The supplier's current promise, YYYY-MM-DD; a PATCH moves it. */
    quotedArrival: text('quoted_arrival').notNull(),
    status: text('status', { enum: PURCHASE_ORDER_STATUSES }).notNull().default('open'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    // The ETA of a variant comes from its earliest open PO.
    index('purchase_orders_variant_idx').on(t.shopId, t.variantId, t.status, t.quotedArrival),
    index('purchase_orders_supplier_idx').on(t.shopId, t.supplierId, t.status),
  ],
);

export type PurchaseOrder = typeof purchaseOrders.$inferSelect;
