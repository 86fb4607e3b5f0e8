import type { Write } from '../statement.ts';

/**
 * The retention sweep's batched deletes (server/services/retention/sweep.ts),
 * SQLite twin of db/sql/pg/retention.ts. Positional parameters; the batched
 * ones end with the batch size (`limit ?`) and the caller repeats them until a
 * batch comes back short. Engine-specific because SQLite finds the quote with
 * `instr` and compares the JSON payload as the text it is stored as.
 */

/** A Shopify event whose job has not finished keeps its payload: the job still needs it. */
const unfinished = `exists (select 1 from jobs j where j.key = 'shopify:' || e.id and j.status in ('pending', 'running'))`;

/** (receivedBefore, batch) */
export const deleteOldEvents: Write = {
  text: () => `delete from webhook_events where id in (select e.id from webhook_events e where e.received_at < ? and not ${unfinished} limit ?)`,
};

/** (receivedBefore, batch) */
export const clearOldPayloads: Write = {
  text: () =>
    `update webhook_events set payload = '{}' where id in (select e.id from webhook_events e where e.received_at < ? and e.payload != '{}' and not ${unfinished} limit ?)`,
};

/**
 * (note, createdBefore, batch): the reply is quoted last, between “ and ”; it
 * gives way to the note. Cancel and refund cases are also opened by the
 * status page, whose summaries quote nothing: only those a reply opened
 * (their key names it) are cut.
 */
export const clearOldReplies: Write = {
  text: () =>
    `update escalations set summary = substr(summary, 1, instr(summary, '“') - 1) || ? where id in (select id from escalations where (kind in ('negative_reply', 'call_request', 'chargeback', 'question', 'unmatched_reply') or (kind in ('cancel_request', 'refund') and key like '%:reply:%')) and created_at < ? and instr(summary, '“') > 0 limit ?)`,
};

/** (note, note, createdBefore, note, batch): a forwarded reply, once sent, keeps its row and headers, not the customer's words. */
export const clearOldForwards: Write = {
  text: () =>
    `update messages set text = ?, html = ? where id in (select id from messages where template = 'reply-forward' and status not in ('queued', 'sending') and created_at < ? and text != ? limit ?)`,
};

/** (note, createdBefore, note, batch): a helpdesk note (a reply quoted to the ticket) that was delivered keeps its job row as the dedupe record, not its body. */
export const clearOldTicketNotes: Write = {
  text: () =>
    `update jobs set payload = json_set(payload, '$.body', ?) where id in (select id from jobs where kind = 'helpdesk.ticket' and status in ('done', 'failed') and created_at < ? and json_extract(payload, '$.event') = 'note' and json_extract(payload, '$.body') != ? limit ?)`,
};

/** (note, receivedBefore, note, batch): a customer's reply keeps its row (the timeline, the intent), not its words. */
export const clearOldReplyTexts: Write = {
  text: () => `update replies set text = ?, subject = null where id in (select id from replies where received_at < ? and text != ? limit ?)`,
};

/** (createdBefore, batch) */
export const deleteOldDeliveries: Write = {
  text: () => `delete from webhook_deliveries where id in (select id from webhook_deliveries where status in ('delivered', 'failed') and created_at < ? limit ?)`,
};
