import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Confirmation emails asked for per address per day, across every shop
 * (email bombing: a bot signing a victim up everywhere). The address is kept
 * only as a SHA-256 of its normalised form, so no address lives here and
 * erasing one is a delete by its hash. The day leads the key: old days are
 * pruned by range.
 */
export const emailCaps = sqliteTable(
  'email_caps',
  {
    /** Days since the epoch (UTC). */
    day: integer('day').notNull(),
    addressHash: text('address_hash').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.addressHash] })],
);
