import type { Statement } from '../statement.ts';

/**
 * A batch of signups written set-based, SQLite twin of db/sql/pg/signup-batch.ts
 * (same statements, same JSON rows in `@rows`). SQLite never runs them: its
 * writer already puts the signups of one moment in one transaction
 * (db/transaction.ts), where a statement costs no round trip. They are kept
 * equal so that the twins stay one interface.
 * `where true` lets SQLite read the `on conflict` of an insert … select.
 */

/** Storefront signups join one by one: the writer already commits those of one moment together. */
export const joinsInBatches: boolean = false;

const field = (name: string) => `json_extract(r.value, '$.${name}')`;
/** A column a row has of its own, else the one every row shares (`@shared`). */
const sharedOr = (name: string) => `coalesce(${field(name)}, json_extract(@shared, '$.${name}'))`;
const id = (r: Record<string, unknown>) => ({ id: Number(r.id), token: String(r.token) });

export const insertContacts: Statement<void, { id: number; token: string }> = {
  text: () => `insert into contacts (shop_id, email, phone, sms_consent_at, locale, token, created_at, orders_count)
    select ${['shop_id', 'email', 'phone', 'sms_consent_at', 'locale', 'token', 'created_at'].map(field).join(', ')}, 0
    from json_each(@rows) as r where true
    on conflict do nothing returning id, token`,
  row: id,
};

export const insertSignups: Statement<void, { id: number; token: string }> = {
  text: () => `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at)
    select ${['shop_id', 'variant_id', 'contact_id', 'seq', 'kind', 'quantity', 'status', 'token', 'locale', 'created_at', 'created_at'].map(field).join(', ')}
    from json_each(@rows) as r where true order by ${field('seq')}
    on conflict do nothing returning id, token`,
  row: id,
};

export const countEmails: Statement<void, { hash: string; count: number }> = {
  text: () => `insert into email_caps (day, address_hash, count)
    select ${field('day')}, ${field('hash')}, ${field('n')} from json_each(@rows) as r where true order by ${field('hash')}
    on conflict (day, address_hash) do update set count = email_caps.count + excluded.count
    returning address_hash as hash, count`,
  row: (r) => ({ hash: String(r.hash), count: Number(r.count) }),
};

export const insertMessages: Statement<void, { key: string }> = {
  text: () => `insert into messages
      (shop_id, contact_id, signup_id, offer_id, backorder_id, public_id, template, channel, "to", props, track, intro, idempotency_key, send_after, created_at, status, error, headers, attempts)
    select ${['shop_id', 'contact_id', 'signup_id', 'offer_id', 'backorder_id', 'public_id', 'template', 'channel', 'to', 'props', 'track', 'intro', 'idempotency_key', 'send_after', 'created_at', 'status', 'error'].map(sharedOr).join(', ')}, '{}', 0
    from json_each(@rows) as r where true
    on conflict do nothing returning idempotency_key as key`,
  row: (r) => ({ key: String(r.key) }),
};
