import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/** A merchant's hand on the queue (remove, move to front), always with a reason: the line's fairness is auditable. */
export const queueActions = sqliteTable(
  'queue_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    signupId: integer('signup_id').notNull(),
    variantId: text('variant_id').notNull(),
    action: text('action', { enum: ['remove', 'move_to_front'] }).notNull(),
    reason: text('reason').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('queue_actions_variant_idx').on(t.shopId, t.variantId, t.id)],
);
