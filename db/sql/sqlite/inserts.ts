import type { Write } from '../statement.ts';

/**
 * The hot inserts whose new id the caller needs: a signup, a contact, an offer.
 * SQLite twin of db/sql/pg/inserts.ts. Engine-specific in how the new id comes back: here
 * better-sqlite3's `lastInsertRowid` (no RETURNING: the caller already holds
 * every other value, and these run once per signup or offer on the hot path).
 * The queue_counts triggers count a new signup on both engines.
 */

/**
 * Joining a line (server/services/signups/create.ts).
 * (shopId, variantId, contactId, seq, kind, quantity, status, token, locale, createdAt, updatedAt)
 * A place the contact already holds (signups_one_active_idx) answers `changes: 0`, not a unique
 * violation: on PostgreSQL another replica may have committed it since the caller looked. With
 * nothing inserted `lastInsertRowid` is an earlier row's, so the caller checks `changes` first.
 */
export const insertSignup: Write = {
  text: () =>
    `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
};

/**
 * A new contact (server/services/contacts/upsert.ts); the id is `lastInsertRowid`.
 * (shopId, email, phone, smsConsentAt, locale, token, createdAt)
 * An email or phone the shop already has (the partial unique indexes contacts_shop_email_idx and
 * contacts_shop_phone_idx) answers `changes: 0`, and the caller reads the contact again. The bare
 * `on conflict` covers both partial indexes, which a conflict target would have to name with their WHERE.
 */
export const insertContact: Write = {
  text: () => `insert into contacts (shop_id, email, phone, sms_consent_at, locale, token, created_at, orders_count) values (?, ?, ?, ?, ?, ?, ?, 0) on conflict do nothing`,
};

/**
 * A hold offered to a waiting signup (server/services/restock/allocate.ts); the id is `lastInsertRowid`.
 * (shopId, variantId, signupId, restockId, units, position, token, expiresAt, createdAt)
 */
export const insertOffer: Write = {
  text: () => `insert into offers (shop_id, variant_id, signup_id, restock_id, units, position, status, token, expires_at, created_at)
       values (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
};
