import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../schema/connections.ts';
import { WRITE_BACK_KINDS, WRITE_BACK_STATUSES } from '../schema/write-backs.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/write-backs.ts. */
export const writeBacks = pgTable(
  'write_backs',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    kind: text('kind', { enum: WRITE_BACK_KINDS }).notNull(),
    orderId: text('order_id').notNull(),
    backorderId: int64('backorder_id'),
    requestedBy: text('requested_by').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: WRITE_BACK_STATUSES }).notNull(),
    amount: int64('amount'),
    currency: text('currency'),
    platformId: text('platform_id'),
    error: text('error'),
    createdAt: timestampMs('created_at').notNull(),
    finishedAt: timestampMs('finished_at'),
  },
  (t) => [index('write_backs_shop_idx').on(t.shopId, t.id), index('write_backs_backorder_idx').on(t.backorderId)],
);
