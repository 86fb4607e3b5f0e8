import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/po-receipts.ts. */
export const poReceipts = pgTable(
  'po_receipts',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    supplierId: int64('supplier_id').notNull(),
    purchaseOrderId: int64('purchase_order_id').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: int64('quantity').notNull(),
    quotedArrival: text('quoted_arrival').notNull(),
    receivedAt: timestampMs('received_at').notNull(),
    slipDays: int64('slip_days').notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [
    index('po_receipts_supplier_idx').on(t.shopId, t.supplierId, t.receivedAt),
    index('po_receipts_shop_idx').on(t.shopId, t.receivedAt),
  ],
);
