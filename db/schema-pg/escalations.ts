import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { ESCALATION_KINDS } from '../schema/escalations.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/escalations.ts. */
export const escalations = pgTable(
  'escalations',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    kind: text('kind', { enum: ESCALATION_KINDS }).notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull().default('open'),
    orderId: text('order_id'),
    contactId: int64('contact_id'),
    summary: text('summary').notNull(),
    recommendedAction: text('recommended_action').notNull(),
    key: text('key').notNull().unique(),
    resolution: text('resolution'),
    createdAt: timestampMs('created_at').notNull(),
    resolvedAt: timestampMs('resolved_at'),
  },
  (t) => [index('escalations_shop_idx').on(t.shopId, t.status, t.id), index('escalations_order_idx').on(t.shopId, t.orderId, t.status)],
);
