import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../../db/index.ts';
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
 * the next due messages. The dispatcher claims many small batches during a
 * burst, so the reads here are prepared once per connection.
 */
export function claimBatch(deps: Deps, transport: Transport): Promise<Batch | null> {
  return transaction(deps.db, async (tx): Promise<Batch | null> => {
    const started = performance.now();
    const q = statements(tx);
    const now = deps.clock.now();
    const at = { channel: transport.channel, now: now.getTime() };
    const first = (await q.firstSending.execute(at))[0] ?? (await q.firstQueued.execute(at))[0];
    if (!first) return null;

    let rows = first.batchKey
      ? await q.batchMembers.execute({ batchKey: first.batchKey })
      : await q.nextDue.execute({ ...at, limit: transport.batchSize });
    rows = await dropOptedOut(tx, rows);
    const leaseUntil = new Date(now.getTime() + deps.config.leaseMs);
    // Rendered once (mostly ahead, by renderAhead) and stored: a re-send is byte-for-byte the same request.
    const rendered = await renderAndStore(tx, deps, rows);
    if (rendered.length === 0) return { key: '', messages: [], leaseUntil, workMs: performance.now() - started };
    const key = first.batchKey ?? `b_${token(12)}`;
    await tx
      .update(messages)
      .set({ status: 'sending', batchKey: key, leaseUntil, attempts: sql`${messages.attempts} + 1` })
      .where(inArray(messages.id, rendered.map((r) => r.id)));
    const leased = rendered.map((r) => ({ ...r, batchKey: key, attempts: r.attempts + 1 }));
    return { key, leaseUntil, messages: leased, workMs: performance.now() - started };
  });
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
  const q = statements(tx);
  const seen = new Map<number, OptOuts | undefined>();
  const kept: Message[] = [];
  const stopped: number[] = [];
  for (const r of rows) {
    if (r.contactId === null || r.template === OPT_OUT_PROOF) {
      kept.push(r);
      continue;
    }
    if (!seen.has(r.contactId)) seen.set(r.contactId, (await q.optOuts.execute({ id: r.contactId }))[0]);
    const found = seen.get(r.contactId);
    if (!found?.[r.channel] || (r.channel === 'email' && sendsDespiteOptOut(found.reason, r.template, r.backorderId))) kept.push(r);
    else stopped.push(r.id);
  }
  if (stopped.length > 0) {
    await tx.update(messages).set({ status: 'suppressed', error: 'recipient opted out', leaseUntil: null }).where(inArray(messages.id, stopped));
  }
  return kept;
}

const p = sql.placeholder;
// Comparisons take ms: a placeholder there bypasses the column's Date encoder.
const statements = perConnection((db: Db) => ({
  firstSending: db
    .select()
    .from(messages)
    .where(and(eq(messages.status, 'sending'), eq(messages.channel, p('channel')), lte(messages.leaseUntil, p('now'))))
    .orderBy(asc(messages.id))
    .limit(1)
    .prepare(),
  // Due order, which the dispatch index already holds: no sort of the whole backlog per batch.
  firstQueued: db
    .select()
    .from(messages)
    .where(and(eq(messages.status, 'queued'), eq(messages.channel, p('channel')), lte(messages.sendAfter, p('now'))))
    .orderBy(asc(messages.sendAfter), asc(messages.id))
    .limit(1)
    .prepare(),
  batchMembers: db
    .select()
    .from(messages)
    .where(and(eq(messages.batchKey, p('batchKey')), sql`${messages.status} in ('queued', 'sending')`))
    .orderBy(asc(messages.id))
    .prepare(),
  nextDue: db
    .select()
    .from(messages)
    .where(and(eq(messages.status, 'queued'), eq(messages.channel, p('channel')), lte(messages.sendAfter, p('now')), isNull(messages.batchKey)))
    .orderBy(asc(messages.sendAfter), asc(messages.id))
    .limit(p('limit'))
    .prepare(),
  optOuts: db
    .select({ email: contacts.emailOptOutAt, sms: contacts.smsOptOutAt, reason: contacts.emailOptOutReason })
    .from(contacts)
    .where(eq(contacts.id, p('id')))
    .prepare(),
}));
