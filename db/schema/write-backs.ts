import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { PLATFORMS } from './connections.ts';
import { shops } from './shops.ts';

export const WRITE_BACK_KINDS = ['refund'] as const;
export const WRITE_BACK_STATUSES = ['pending', 'done', 'failed'] as const;

/**
 * A change Waitline makes on the merchant's store (a refund of a cancelled
 * backorder line), and who asked for it: written in the transaction of the
 * request, done by a job under `idempotencyKey`, and kept as the log of what
 * was done on the store and why.
 */
export const writeBacks = sqliteTable(
  'write_backs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    kind: text('kind', { enum: WRITE_BACK_KINDS }).notNull(),
    orderId: text('order_id').notNull(),
    backorderId: integer('backorder_id'),
    /** `customer:<contact id>` (the cancel link), `key:<key id>` (the admin API), or `person:<name>` (the dashboard). */
    requestedBy: text('requested_by').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: WRITE_BACK_STATUSES }).notNull(),
    /** What the store confirmed, in minor units of its currency. */
    amount: integer('amount'),
    currency: text('currency'),
    /** The store's id for what was made (a refund id). */
    platformId: text('platform_id'),
    error: text('error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('write_backs_shop_idx').on(t.shopId, t.id), index('write_backs_backorder_idx').on(t.backorderId)],
);

export type WriteBack = typeof writeBacks.$inferSelect;
