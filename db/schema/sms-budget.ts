import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Texts each shop queued in each clock hour, against its `sms.hourlyBudget`
 * (SMS pumping). Moved by one upsert in the transaction that writes the
 * messages, so every process sees one count. `held` counts texts refused for
 * the budget that hour. The hour leads the key: old hours are pruned by range.
 */
export const smsBudget = sqliteTable(
  'sms_budget',
  {
    /** Hours since the epoch (UTC). */
    hour: integer('hour').notNull(),
    shopId: text('shop_id').notNull(),
    sent: integer('sent').notNull().default(0),
    held: integer('held').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hour, t.shopId] })],
);
