import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Server-wide values that must survive restarts, such as the link-signing secret. */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
