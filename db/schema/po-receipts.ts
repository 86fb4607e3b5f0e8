import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/**
 * One delivery against a purchase order: what was quoted, when it came, and
 * the slip between them. The supplier's slip distribution is read from these
 * rows, so it can always be recomputed and audited.
 */
export const poReceipts = sqliteTable(
  'po_receipts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    supplierId: integer('supplier_id').notNull(),
    purchaseOrderId: integer('purchase_order_id').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    /** The quoted date in force when the units came (after any PATCH). */
    quotedArrival: text('quoted_arrival').notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** Days late (negative: early), from the quoted date to the UTC date of receipt. */
    slipDays: integer('slip_days').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('po_receipts_supplier_idx').on(t.shopId, t.supplierId, t.receivedAt),
    index('po_receipts_shop_idx').on(t.shopId, t.receivedAt),
  ],
);

export type PoReceipt = typeof poReceipts.$inferSelect;
