import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/queue-actions.ts. */
export const queueActions = pgTable(
  'queue_actions',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    signupId: int64('signup_id').notNull(),
    variantId: text('variant_id').notNull(),
    action: text('action', { enum: ['remove', 'move_to_front'] }).notNull(),
    reason: text('reason').notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [index('queue_actions_variant_idx').on(t.shopId, t.variantId, t.id)],
);
