import { pgTable, text, primaryKey } from 'drizzle-orm/pg-core';
import { int64 } from './columns.ts';

/** The Postgres twin of db/schema/email-caps.ts. */
export const emailCaps = pgTable(
  'email_caps',
  {
    day: int64('day').notNull(),
    addressHash: text('address_hash').notNull(),
    count: int64('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.addressHash] })],
);
