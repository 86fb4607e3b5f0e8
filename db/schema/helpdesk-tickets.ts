import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

export const TICKET_STATUSES = ['open', 'closed'] as const;

/**
 * The shop's helpdesk ticket for one order (or one customer, or one case
 * without either): `ref` names it, so every escalation, reply and resolve of
 * that order lands on the same ticket. A worker holds `leaseUntil` while it
 * talks to the helpdesk, so two replicas never create the same ticket twice.
 */
export const helpdeskTickets = sqliteTable(
  'helpdesk_tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    /** `order:<id>`, `contact:<id>` or `escalation:<id>`, unique per shop. */
    ref: text('ref').notNull(),
    helpdesk: text('helpdesk').notNull(),
    /** The helpdesk's ticket id; null until it answered the create. */
    externalId: text('external_id'),
    url: text('url'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('helpdesk_tickets_ref_idx').on(t.shopId, t.ref, t.helpdesk)],
);

export type HelpdeskTicket = typeof helpdeskTickets.$inferSelect;
