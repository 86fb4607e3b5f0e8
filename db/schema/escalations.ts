import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const ESCALATION_KINDS = [
  'order_value',
  'eta_long',
  'negative_reply',
  'partial_shipment',
  'call_request',
  'vip_day14',
  'refund',
  'cancel_request',
  'sms_budget',
  'uncounted_stock',
  'switch_request',
  'chargeback',
  'question',
  'unmatched_reply',
] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];

/** A task for a human, with the context to act on it. An open one pauses automated cancel offers for its order. */
export const escalations = sqliteTable(
  'escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    kind: text('kind', { enum: ESCALATION_KINDS }).notNull(),
    status: text('status', { enum: ['open', 'resolved'] }).notNull().default('open'),
    orderId: text('order_id'),
    contactId: integer('contact_id'),
    summary: text('summary').notNull(),
    recommendedAction: text('recommended_action').notNull(),
    /** Names the event, so the same trigger never opens two. */
    key: text('key').notNull().unique(),
    resolution: text('resolution'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('escalations_shop_idx').on(t.shopId, t.status, t.id), index('escalations_order_idx').on(t.shopId, t.orderId, t.status)],
);

export type Escalation = typeof escalations.$inferSelect;
