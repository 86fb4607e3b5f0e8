import { pgTable, text } from 'drizzle-orm/pg-core';

/** The Postgres twin of db/schema/kv.ts. */
export const kv = pgTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
