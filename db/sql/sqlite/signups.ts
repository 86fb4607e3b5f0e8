import type { Write } from '../statement.ts';

/**
 * Joining a line (server/services/signups/create.ts), SQLite twin of
 * db/sql/pg/signups.ts. Engine-specific in how the new id comes back: here
 * better-sqlite3's `lastInsertRowid` (no RETURNING: the caller already holds
 * every other value, and this runs once per signup on the hot path).
 * The queue_counts triggers count the row on both engines.
 *
 * (shopId, variantId, contactId, seq, kind, quantity, status, token, locale, createdAt, updatedAt)
 */
export const insertSignup: Write = {
  text: () =>
    `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
};
