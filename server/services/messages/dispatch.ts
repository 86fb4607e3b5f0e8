import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { contacts, messages, CHANNELS, type Message } from '../../../db/schema/index.ts';
import type { Tx } from '../../../db/index.ts';
import type { Deps } from '../../context.ts';
import { backoffMs } from '../../lib/backoff.ts';
import { token } from '../../lib/tokens.ts';
import type { OutgoingMessage, SendOutcome, Transport } from '../../transports/types.ts';
import { renderRows } from './render.ts';

export const MAX_SEND_ATTEMPTS = 8;

export interface DispatchReport {
  sent: number;
  failed: number;
  retrying: number;
}

/**
 * Sends every message that is due, channel by channel, through its transport.
 * Each batch is leased in one transaction and settled in another; the provider
 * call happens between them, never inside a transaction. A batch left leased
 * by a crash is re-sent whole under the same key, so the provider drops the repeat.
 */
export async function dispatchMessages(deps: Deps): Promise<DispatchReport> {
  const reports = await Promise.all(CHANNELS.map((channel) => drain(deps, deps.transports[channel])));
  return reports.reduce((a, b) => ({ sent: a.sent + b.sent, failed: a.failed + b.failed, retrying: a.retrying + b.retrying }));
}

async function drain(deps: Deps, transport: Transport): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  for (;;) {
    const batch = claimBatch(deps, transport);
    if (!batch) return report;
    if (batch.messages.length === 0) continue; // everyone in it had opted out
    let outcomes: SendOutcome[];
    try {
      outcomes = await transport.send(batch.messages, batch.key);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes = batch.messages.map(() => ({ ok: false, retryable: true, error: message }));
    }
    const settled = settle(deps, transport, batch, outcomes);
    report.sent += settled.sent;
    report.failed += settled.failed;
    report.retrying += settled.retrying;
    // A batch that must wait (rate limit, outage) ends this round; the next tick tries again.
    if (settled.retrying > 0) return report;
  }
}

interface Batch {
  key: string;
  messages: OutgoingMessage[];
  /** Our lease; settling touches only rows still under it, so a sender that outlived its lease changes nothing. */
  leaseUntil: Date;
}

function claimBatch(deps: Deps, transport: Transport): Batch | null {
  const { db, clock } = deps;
  return db.transaction((tx) => {
    const now = clock.now();
    const due = (status: 'queued' | 'sending') =>
      tx
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.status, status),
            eq(messages.channel, transport.channel),
            status === 'queued' ? lte(messages.sendAfter, now) : lte(messages.leaseUntil, now),
          ),
        )
        .orderBy(asc(messages.id))
        .limit(1)
        .get();
    const first = due('sending') ?? due('queued');
    if (!first) return null;

    let rows: Message[];
    if (first.batchKey) {
      // Re-send the group exactly as first claimed: same members, same provider key.
      rows = tx
        .select()
        .from(messages)
        .where(and(eq(messages.batchKey, first.batchKey), inArray(messages.status, ['queued', 'sending'])))
        .orderBy(asc(messages.id))
        .all();
    } else {
      rows = tx
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.status, 'queued'),
            eq(messages.channel, transport.channel),
            lte(messages.sendAfter, now),
            isNull(messages.batchKey),
          ),
        )
        .orderBy(asc(messages.id))
        .limit(transport.batchSize)
        .all();
    }

    rows = dropOptedOut(tx, rows);
    const leaseUntil = new Date(now.getTime() + deps.config.leaseMs);
    // Rendered once, here, and stored: a re-send is byte-for-byte the same request.
    const { rendered, failed } = renderRows(tx, deps, rows, { store: true });
    for (const { row, error } of failed) {
      tx.update(messages).set({ status: 'failed', error }).where(eq(messages.id, row.id)).run();
      deps.log('message not renderable', { id: row.id, error });
    }
    if (rendered.length === 0) return { key: '', messages: [], leaseUntil };
    const key = first.batchKey ?? `b_${token(12)}`;
    const ids = rendered.map((r) => r.id);
    tx.update(messages)
      .set({ status: 'sending', batchKey: key, leaseUntil, attempts: sql`${messages.attempts} + 1` })
      .where(inArray(messages.id, ids))
      .run();
    return { key, leaseUntil, messages: rendered.map((r) => ({ ...r, batchKey: key, attempts: r.attempts + 1 })) };
  });
}

/** An opt-out recorded after a message was queued still stops it. */
function dropOptedOut(tx: Tx, rows: Message[]): Message[] {
  const contactIds = [...new Set(rows.map((r) => r.contactId).filter((id): id is number => id !== null))];
  if (contactIds.length === 0) return rows;
  const optedOut = new Set(
    tx
      .select({ id: contacts.id, email: contacts.emailOptOutAt, sms: contacts.smsOptOutAt })
      .from(contacts)
      .where(inArray(contacts.id, contactIds))
      .all()
      .flatMap((c) => [...(c.email ? [`email:${c.id}`] : []), ...(c.sms ? [`sms:${c.id}`] : [])]),
  );
  const suppressed = rows.filter((r) => r.contactId !== null && optedOut.has(`${r.channel}:${r.contactId}`));
  if (suppressed.length > 0) {
    tx
      .update(messages)
      .set({ status: 'suppressed', error: 'recipient opted out', leaseUntil: null })
      .where(inArray(messages.id, suppressed.map((r) => r.id)))
      .run();
  }
  return rows.filter((r) => !suppressed.includes(r));
}

function settle(deps: Deps, transport: Transport, batch: Batch, outcomes: SendOutcome[]): DispatchReport {
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  const { db, clock } = deps;
  db.transaction((tx) => {
    const now = clock.now();
    const ours = (id: number) => and(eq(messages.id, id), eq(messages.status, 'sending'), eq(messages.leaseUntil, batch.leaseUntil));
    batch.messages.forEach((message, i) => {
      const outcome = outcomes[i] ?? { ok: false, retryable: true, error: 'no outcome from transport' };
      if (outcome.ok) {
        const { changes } = tx
          .update(messages)
          .set({ status: 'sent', providerId: outcome.providerId, transport: transport.name, sentAt: now, leaseUntil: null, error: null })
          .where(ours(message.id))
          .run();
        report.sent += changes;
        return;
      }
      if (outcome.retryable && message.attempts < MAX_SEND_ATTEMPTS) {
        const wait = Math.max(backoffMs(message.attempts), outcome.retryAfterMs ?? 0);
        const { changes } = tx
          .update(messages)
          .set({ status: 'queued', sendAfter: new Date(now.getTime() + wait), leaseUntil: null, error: outcome.error })
          .where(ours(message.id))
          .run();
        report.retrying += changes;
        return;
      }
      const { changes } = tx
        .update(messages)
        .set({ status: 'failed', transport: transport.name, leaseUntil: null, error: outcome.error })
        .where(ours(message.id))
        .run();
      report.failed += changes;
      if (outcome.optedOut && message.contactId !== null) {
        tx.update(contacts).set({ smsOptOutAt: now }).where(eq(contacts.id, message.contactId)).run();
      }
    });
  });
  if (report.failed > 0) deps.log('messages failed', { transport: transport.name, count: report.failed });
  return report;
}
