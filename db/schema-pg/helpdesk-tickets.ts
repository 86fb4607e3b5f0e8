import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { TICKET_STATUSES } from '../schema/helpdesk-tickets.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/helpdesk-tickets.ts. */
export const helpdeskTickets = pgTable(
  'helpdesk_tickets',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    ref: text('ref').notNull(),
    helpdesk: text('helpdesk').notNull(),
    externalId: text('external_id'),
    url: text('url'),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    leaseUntil: timestampMs('lease_until'),
    lastError: text('last_error'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [uniqueIndex('helpdesk_tickets_ref_idx').on(t.shopId, t.ref, t.helpdesk)],
);
