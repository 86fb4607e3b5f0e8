import { and, eq, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../index.ts';
import { affected } from '../../raw.ts';
import { messages } from '../../schema/index.ts';
import type { Write } from '../statement.ts';

/**
 * The message insert of MessageBatch.flush (server/services/messages/enqueue.ts),
 * SQLite twin of db/sql/pg/messages.ts. Engine-specific because SQLite spells
 * "skip a row whose idempotency key is taken" `insert or ignore`. It writes 0
 * rows when the key is taken: the caller counts a message as written on 1.
 *
 * (shopId, contactId, signupId, offerId, backorderId, publicId, template, channel,
 *  to, props, track, intro, idempotencyKey, sendAfter, createdAt, status, error)
 */
export const insertMessage: Write = {
  text: () => `insert or ignore into messages
         (shop_id, contact_id, signup_id, offer_id, backorder_id, public_id, template, channel, "to", props, track, intro, idempotency_key, send_after, created_at, status, error, headers, attempts)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', 0)`,
};

/** MessageBatch.flush writes its rows together: a statement is a function call here: the prepared one-row insert, row by row, is the fastest write. */
export const insertsTogether: boolean = false;

/** What rendering a message wrote into its row (server/services/messages/render.ts). */
export interface RenderedRow {
  id: number;
  from: string | null;
  subject: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

/**
 * Stores rendered messages, each once, inside the caller's transaction: an
 * update per row, each an in-process call here (PostgreSQL writes them in one
 * statement).
 */
export async function storeRendered(tx: Tx, rows: readonly RenderedRow[], renderedAt: Date): Promise<void> {
  for (const { id, ...out } of rows) await tx.update(messages).set({ ...out, renderedAt }).where(eq(messages.id, id));
}

/** A message the provider took, with the id it gave (if any). */
export interface SentRow {
  id: number;
  providerId: string | null;
}

/** The settling of a batch the provider took: by whom, when, and the lease the batch was claimed under. */
export interface SentBatch {
  transport: string;
  now: number;
  lease: number;
}

/**
 * Marks messages sent, only those still `sending` under the batch's lease (a
 * sender that outlived its lease changes nothing); answers how many. A prepared
 * update per row, each an in-process call here (PostgreSQL settles a batch in
 * one statement).
 */
export async function settleSent(tx: Tx, rows: readonly SentRow[], batch: SentBatch): Promise<number> {
  const sent = sentStatement(tx);
  let n = 0;
  for (const { id, providerId } of rows) n += affected(await sent.execute({ id, providerId, transport: batch.transport, now: batch.now, lease: batch.lease }));
  return n;
}

// Placeholders bypass the columns' encoders, so times go in as ms.
const p = (name: string) => sql`${sql.placeholder(name)}`;
const sentStatement = perConnection((db: Db) =>
  db
    .update(messages)
    .set({ status: 'sent', providerId: p('providerId'), transport: p('transport'), sentAt: p('now'), leaseUntil: null, error: null })
    .where(and(eq(messages.id, sql.placeholder('id')), eq(messages.status, 'sending'), eq(messages.leaseUntil, sql.placeholder('lease'))))
    .prepare(),
);
