import type { Write } from '../statement.ts';

/**
 * PostgreSQL twin of db/sql/sqlite/retention.ts (same names, parameters
 * numbered in the same order). What differs and why: Postgres has no `instr`
 * (`strpos` finds the quote, 1-based as well), and `json` has no equality
 * operator, so the payload is compared as text. `'shopify:' || e.id` works on
 * a bigint id as on SQLite's integer.
 */

const unfinished = `exists (select 1 from jobs j where j.key = 'shopify:' || e.id and j.status in ('pending', 'running'))`;

export const deleteOldEvents: Write = {
  text: () => `delete from webhook_events where id in (select e.id from webhook_events e where e.received_at < $1 and not ${unfinished} limit $2)`,
};

export const clearOldPayloads: Write = {
  text: () =>
    `update webhook_events set payload = '{}' where id in (select e.id from webhook_events e where e.received_at < $1 and e.payload::text <> '{}' and not ${unfinished} limit $2)`,
};

export const clearOldReplies: Write = {
  text: () =>
    `update escalations set summary = substr(summary, 1, strpos(summary, '“') - 1) || $1 where id in (select id from escalations where (kind in ('negative_reply', 'call_request', 'chargeback', 'question', 'unmatched_reply') or (kind in ('cancel_request', 'refund') and key like '%:reply:%')) and created_at < $2 and strpos(summary, '“') > 0 limit $3)`,
};

export const clearOldForwards: Write = {
  text: () =>
    `update messages set text = $1, html = $2 where id in (select id from messages where template = 'reply-forward' and status not in ('queued', 'sending') and created_at < $3 and text <> $4 limit $5)`,
};

/** `json` has no jsonb operators: the payload goes through jsonb and back. */
export const clearOldTicketNotes: Write = {
  text: () =>
    `update jobs set payload = (payload::jsonb || jsonb_build_object('body', $1::text))::json where id in (select id from jobs where kind = 'helpdesk.ticket' and status in ('done', 'failed') and created_at < $2 and payload->>'event' = 'note' and payload->>'body' <> $3 limit $4)`,
};

export const clearOldReplyTexts: Write = {
  text: () => `update replies set text = $1, subject = null where id in (select id from replies where received_at < $2 and text <> $3 limit $4)`,
};

export const deleteOldDeliveries: Write = {
  text: () => `delete from webhook_deliveries where id in (select id from webhook_deliveries where status in ('delivered', 'failed') and created_at < $1 limit $2)`,
};
