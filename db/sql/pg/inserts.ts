import type { Write } from '../statement.ts';

/**
 * PostgreSQL twin of db/sql/sqlite/inserts.ts (same parameters, numbered).
 * node-postgres has no last-insert id: the statement returns `id` (a bigint,
 * so a string; read it with Number) from the identity column.
 * `on conflict do nothing` as there: a row a concurrent transaction holds the
 * key of waits for it to end, then comes back as no row (`changes: 0`, id 0)
 * once it committed, instead of a unique violation (23505) failing the request.
 */
export const insertSignup: Write = {
  text: () =>
    `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing returning id`,
};

export const insertContact: Write = {
  text: () => `insert into contacts (shop_id, email, phone, sms_consent_at, locale, token, created_at, orders_count) values ($1, $2, $3, $4, $5, $6, $7, 0) on conflict do nothing returning id`,
};

export const insertOffer: Write = {
  text: () => `insert into offers (shop_id, variant_id, signup_id, restock_id, units, position, status, token, expires_at, created_at)
       values ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9) returning id`,
};
