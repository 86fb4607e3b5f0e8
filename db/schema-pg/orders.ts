import { pgTable, text, json, primaryKey } from 'drizzle-orm/pg-core';
import type { OrderLine } from '../schema/orders.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/orders.ts. */
export const orders = pgTable(
  'orders',
  {
    shopId: text('shop_id').notNull().references(() => shops.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    contactId: int64('contact_id'),
    currency: text('currency').notNull(),
    total: int64('total').notNull(),
    lines: json('lines').$type<OrderLine[]>().notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);
