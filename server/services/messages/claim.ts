import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { contacts, messages, type EmailOptOutReason, type Message } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { token } from '../../lib/tokens.ts';
import type { OutgoingMessage, Transport } from '../../transports/types.ts';
import { renderAndStore } from './render-ahead.ts';
import { sendsDespiteOptOut } from './transactional.ts';

export interface Batch {
  key: string;
  messages: OutgoingMessage[];
  /** Our lease; settling touches only rows still under it, so a sender that outlived its lease changes nothing. */
  leaseUntil: Date;
  /** Milliseconds the claim itself took (the wait for its commit left out): the dispatcher's own work, for giveWay. */
  workMs: number;
}

/**
 * Leases the next batch for a transport, in one transaction: a batch whose
 * lease lapsed first (re-sent whole, same members, same provider key), else
 * the next due messages. On PostgreSQL the reads lock what they return and
 * pass over rows another replica is claiming (db/sql/pg/claims.ts), so two
 * replicas never lease the same message; the lease write is guarded by what
 * was read all the same, and only the rows it wrote are sent.
 */
export function claimBatch(deps: Deps, transport: Transport): Promise<Batch | null> {
  return transaction(deps.db, async (tx): Promise<Batch | null> => {
    const started = performance.now();
    const q = twins(tx).claims;
    const now = deps.clock.now();
    const at = { channel: transport.channel, now: now.getTime() };
    const first = (await statementRows(tx, q.firstSending, undefined, at))[0] ?? (await statementRows(tx, q.firstQueued, undefined, at))[0];
    if (!first) return null;
    const leaseUntil = new Date(now.getTime() + deps.config.leaseMs);
    const nothing = (): Batch => ({ key: '', messages: [], leaseUntil, workMs: performance.now() - started });

    let rows = first.batchKey
      ? await statementRows(tx, q.batchMembers, undefined, { batchKey: first.batchKey })
      : await statementRows(tx, q.nextDue, undefined, { ...at, limit: transport.batchSize });
    if (first.batchKey && (await partOnly(tx, first.batchKey, rows.length))) return nothing();
    rows = await dropOptedOut(tx, rows);
    // Rendered once (mostly ahead, by renderAhead) and stored: a re-send is byte-for-byte the same request.
    const rendered = await renderAndStore(tx, deps, rows);
    if (rendered.length === 0) return nothing();
    // A lone message is keyed by its own event, on Resend's single endpoint; a batch of several gets
    // a key of its own for good, which a re-send keeps even if members drop out of it meanwhile.
    const key = first.batchKey ?? (rendered.length === 1 ? rendered[0]!.idempotencyKey : `b_${token(12)}`);
    const ours = new Set((await lease(tx, rendered, first.batchKey, key, now, leaseUntil)).map((r) => r.id));
    const leased = rendered.filter((r) => ours.has(r.id)).map((r) => ({ ...r, batchKey: key, attempts: r.attempts + 1 }));
    if (leased.length === 0) return nothing();
    return { key, leaseUntil, messages: leased, workMs: performance.now() - started };
  });
}

/**
 * Whether another replica holds some of this batch's members (its claim found
 * another member first, and the read passed over what it locked). That replica
 * re-sends the batch; a part sent here under the same key would not be the
 * same request. Never on SQLite, where one claim runs at a time.
 */
async function partOnly(tx: Tx, batchKey: string, locked: number): Promise<boolean> {
  const [members] = await statementRows(tx, twins(tx).claims.unsettledMembers, undefined, { batchKey });
  return locked < (members?.n ?? 0);
}

/**
 * Leases the rows read, only while they are still as read: unsettled, free
 * (never leased, or the lease lapsed) and in the batch they were read in.
 * Answers the rows it leased.
 */
function lease(tx: Tx, rows: OutgoingMessage[], readKey: string | null, key: string, now: Date, leaseUntil: Date) {
  return tx
    .update(messages)
    .set({ status: 'sending', batchKey: key, leaseUntil, attempts: sql`${messages.attempts} + 1` })
    .where(
      and(
        inArray(messages.id, rows.map((r) => r.id)),
        inArray(messages.status, ['queued', 'sending']),
        or(isNull(messages.leaseUntil), lte(messages.leaseUntil, now)),
        readKey === null ? isNull(messages.batchKey) : eq(messages.batchKey, readKey),
      ),
    )
    .returning({ id: messages.id });
}

/** The one email an opted-out address gets: the link back, which it asked for. */
const OPT_OUT_PROOF = 'email-resubscribe';

interface OptOuts {
  email: Date | null;
  sms: Date | null;
  reason: EmailOptOutReason | null;
}

/** An opt-out recorded after a message was queued still stops it (an order notice survives an unsubscribe only). */
async function dropOptedOut(tx: Tx, rows: Message[]): Promise<Message[]> {
  const seen = await optOutsOf(tx, rows);
  const kept: Message[] = [];
  const stopped: number[] = [];
  for (const r of rows) {
    if (r.contactId === null || r.template === OPT_OUT_PROOF) {
      kept.push(r);
      continue;
    }
    const found = seen.get(r.contactId);
    if (!found?.[r.channel] || (r.channel === 'email' && sendsDespiteOptOut(found.reason, r.template, r.backorderId))) kept.push(r);
    else stopped.push(r.id);
  }
  if (stopped.length > 0) {
    await tx.update(messages).set({ status: 'suppressed', error: 'recipient opted out', leaseUntil: null }).where(inArray(messages.id, stopped));
  }
  return kept;
}

/** The batch's contacts' opt-outs in one read: on PostgreSQL a read per contact was 100 round trips per batch. */
async function optOutsOf(tx: Tx, rows: Message[]): Promise<Map<number, OptOuts>> {
  const ids = [...new Set(rows.flatMap((r) => (r.contactId === null || r.template === OPT_OUT_PROOF ? [] : [r.contactId])))];
  if (ids.length === 0) return new Map();
  const found = await tx
    .select({ id: contacts.id, email: contacts.emailOptOutAt, sms: contacts.smsOptOutAt, reason: contacts.emailOptOutReason })
    .from(contacts)
    .where(inArray(contacts.id, ids));
  return new Map(found.map(({ id, ...optOuts }) => [id, optOuts]));
}
