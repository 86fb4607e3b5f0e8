import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { int64 } from './columns.ts';

/** The Postgres twin of db/schema/sms-budget.ts. */
export const smsBudget = pgTable(
  'sms_budget',
  {
    hour: int64('hour').notNull(),
    shopId: text('shop_id').notNull(),
    sent: int64('sent').notNull().default(0),
    held: int64('held').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hour, t.shopId] })],
);
