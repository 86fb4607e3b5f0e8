import type { Write } from '../statement.ts';

/**
 * The message insert, PostgreSQL twin of db/sql/sqlite/messages.ts (same
 * parameters, numbered). What differs and why: `insert or ignore` is
 * `on conflict do nothing` (a taken idempotency key writes 0 rows, read as
 * `rowCount`); `track` and `intro` are boolean columns here, and the 1/0 the
 * caller binds are valid boolean input; `props` is JSON text either way.
 * (SQLite's `or ignore` would also swallow a NOT NULL failure; Postgres raises
 * it, which only a caller bug could cause.)
 */
export const insertMessage: Write = {
  text: () => `insert into messages
         (shop_id, contact_id, signup_id, offer_id, backorder_id, public_id, template, channel, "to", props, track, intro, idempotency_key, send_after, created_at, status, error, headers, attempts)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, '{}', 0)
       on conflict do nothing`,
};

/** MessageBatch.flush writes its rows together: each statement is a round trip: a batch of messages goes in one multi-row insert. */
export const insertsTogether: boolean = true;
