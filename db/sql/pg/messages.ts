import type { Tx } from '../../index.ts';
import { statementRows } from '../../raw.ts';
import type { RenderedRow, SentBatch, SentRow } from '../sqlite/messages.ts';
import { num } from './named.ts';
import type { Statement, Write } from '../statement.ts';

export type { RenderedRow, SentBatch, SentRow } from '../sqlite/messages.ts';

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

/**
 * Stores rendered messages, each once, inside the caller's transaction, in
 * one statement: a batch of 100 emails rendered at its claim was 100 updates,
 * each a round trip, between a restock's commit and its first send.
 */
export async function storeRendered(tx: Tx, rows: readonly RenderedRow[], renderedAt: Date): Promise<void> {
  if (rows.length === 0) return;
  await statementRows(tx, storeRenderedRows, undefined, { at: renderedAt.getTime(), rows: JSON.stringify(rows) });
}

const storeRenderedRows: Statement<void, never> = {
  text: () => `update messages set "from" = r."from", subject = r.subject, text = r.text, html = r.html, headers = r.headers, rendered_at = @at::bigint
    from json_to_recordset(@rows::json) as r(id bigint, "from" text, subject text, text text, html text, headers json)
    where messages.id = r.id`,
  row: () => undefined as never,
};

/**
 * Marks a batch the provider took sent, in one statement: row by row it was
 * 100 round trips per batch, and a restock's first offers waited behind the
 * settling of the confirmations sent before them. Only rows still `sending`
 * under the batch's lease change; answers how many.
 */
export async function settleSent(tx: Tx, rows: readonly SentRow[], batch: SentBatch): Promise<number> {
  if (rows.length === 0) return 0;
  const [row] = await statementRows(tx, settleSentRows, undefined, { ...batch, rows: JSON.stringify(rows) });
  return row!.n;
}

const settleSentRows: Statement<void, { n: number }> = {
  text: () => `with sent as (
       update messages set status = 'sent', provider_id = r."providerId", transport = @transport::text, sent_at = @now::bigint, lease_until = null, error = null
         from json_to_recordset(@rows::json) as r(id bigint, "providerId" text)
        where messages.id = r.id and messages.status = 'sending' and messages.lease_until = @lease::bigint
       returning 1
     )
     select count(*) as n from sent`,
  row: (r) => ({ n: num(r.n) }),
};
