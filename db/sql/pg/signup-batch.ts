import type { Statement } from '../statement.ts';

/**
 * A batch of storefront signups written set-based (server/services/signups/batch.ts),
 * PostgreSQL twin of db/sql/sqlite/signup-batch.ts. Each statement takes the
 * batch as one JSON array of rows (`@rows`), so one statement, prepared once,
 * writes any number of them: a hot line's signups cost one round trip per
 * table, not one per signup. Rows go in array order. `on conflict do nothing`
 * as in inserts.ts: a key a concurrent transaction holds waits for it, then
 * comes back as no row, and the caller takes that item the one-at-a-time way.
 */

/** Storefront signups go through the batcher here: each statement is a round trip, and transactions run side by side. */
export const joinsInBatches: boolean = true;

const id = (r: Record<string, unknown>) => ({ id: Number(r.id), token: String(r.token) });

/** New contacts: [{ shop_id, email, phone, sms_consent_at, locale, token, created_at }] → the ones written, by token. */
export const insertContacts: Statement<void, { id: number; token: string }> = {
  text: () => `insert into contacts (shop_id, email, phone, sms_consent_at, locale, token, created_at, orders_count)
    select r.shop_id, r.email, r.phone, r.sms_consent_at, r.locale, r.token, r.created_at, 0
    from json_to_recordset(@rows::json) as r(shop_id text, email text, phone text, sms_consent_at bigint, locale text, token text, created_at bigint)
    on conflict do nothing returning id, token`,
  row: id,
};

/**
 * New places: [{ shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at }]
 * → the ones written, by token. A contact that got a place in the line meanwhile (signups_one_active_idx) is left out.
 */
export const insertSignups: Statement<void, { id: number; token: string }> = {
  text: () => `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at)
    select r.shop_id, r.variant_id, r.contact_id, r.seq, r.kind, r.quantity, r.status, r.token, r.locale, r.created_at, r.created_at
    from json_to_recordset(@rows::json) as r(shop_id text, variant_id text, contact_id bigint, seq bigint, kind text, quantity bigint, status text, token text, locale text, created_at bigint)
    order by r.seq
    on conflict do nothing returning id, token`,
  row: id,
};

/**
 * Capped emails counted per address and day (server/services/messages/limits.ts, one by one there):
 * [{ day, hash, n }], each hash once, sorted so two batches lock the same rows in the same order
 * → the day's count for each address, this batch's included.
 */
export const countEmails: Statement<void, { hash: string; count: number }> = {
  text: () => `insert into email_caps (day, address_hash, count)
    select r.day, r.hash, r.n from json_to_recordset(@rows::json) as r(day bigint, hash text, n bigint) order by r.hash
    on conflict (day, address_hash) do update set count = email_caps.count + excluded.count
    returning address_hash as hash, count`,
  row: (r) => ({ hash: String(r.hash), count: Number(r.count) }),
};

const MESSAGE_COLUMNS = `shop_id text, contact_id bigint, signup_id bigint, offer_id bigint, backorder_id bigint, public_id text, template text, channel text,
  "to" text, props text, track boolean, intro boolean, idempotency_key text, send_after bigint, created_at bigint, status text, error text`;
const messageValue = (name: string) => (name === 'props' ? 'coalesce(r.props, s.props)::json' : `coalesce(r.${name}, s.${name})`);

/**
 * Messages (db/sql/pg/messages.ts `insertMessage`, many at once): `@shared` holds the columns every
 * row has alike and `@rows` each row's own ({ shop_id, contact_id, signup_id, offer_id, backorder_id,
 * public_id, template, channel, to, props, track, intro, idempotency_key, send_after, created_at,
 * status, error }, each in one of the two) → the idempotency keys written (a key already used is
 * skipped). A restock's 10,000 offers share shop, template, channel, times and status: sent once,
 * they are a quarter less to send and parse.
 */
export const insertMessages: Statement<void, { key: string }> = {
  text: () => `insert into messages
      (shop_id, contact_id, signup_id, offer_id, backorder_id, public_id, template, channel, "to", props, track, intro, idempotency_key, send_after, created_at, status, error, headers, attempts)
    select ${['shop_id', 'contact_id', 'signup_id', 'offer_id', 'backorder_id', 'public_id', 'template', 'channel', '"to"', 'props', 'track', 'intro', 'idempotency_key', 'send_after', 'created_at', 'status', 'error'].map(messageValue).join(', ')}, '{}', 0
    from json_to_record(@shared::json) as s(${MESSAGE_COLUMNS}), json_to_recordset(@rows::json) as r(${MESSAGE_COLUMNS})
    on conflict do nothing returning idempotency_key as key`,
  row: (r) => ({ key: String(r.key) }),
};
