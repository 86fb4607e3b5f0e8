import { defineConfig } from 'drizzle-kit';

/** PostgreSQL: the same tables as drizzle.config.ts (SQLite), generated into their own folder. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg/index.ts',
  out: './db/migrations-pg',
});
