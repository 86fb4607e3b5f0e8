import { and, eq, sql } from 'drizzle-orm';
import { CHANNELS, contacts, messages } from '../../../db/schema/index.ts';
import { perConnection, type Db } from '../../../db/index.ts';
import { affected } from '../../../db/raw.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { backoffMs } from '../../lib/backoff.ts';
import type { SendOutcome, Transport } from '../../transports/types.ts';
import { claimBatch, type Batch } from './claim.ts';
import { renderAhead } from './render-ahead.ts';
import { giveWay } from '../../jobs/give-way.ts';

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
  // Both channels finish their round before a failure (a lost database) is reported: no drain outlives the pass.
  const settled = await Promise.allSettled(CHANNELS.map((channel) => drain(deps, deps.transports[channel])));
  const reports = settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
  return reports.reduce((a, b) => ({ sent: a.sent + b.sent, failed: a.failed + b.failed, retrying: a.retrying + b.retrying }));
}

async function drain(deps: Deps, transport: Transport): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  for (;;) {
    await renderAhead(deps, transport.channel, transport.batchSize);
    const batch = await claimBatch(deps, transport);
    if (!batch) return report;
    if (batch.messages.length === 0) continue; // everyone in it had opted out
    const sending = performance.now();
    let outcomes: SendOutcome[];
    try {
      outcomes = await transport.send(batch.messages, batch.key);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes = batch.messages.map(() => ({ ok: false, retryable: true, error: message }));
    }
    const sendMs = performance.now() - sending;
    const settled = await settle(deps, transport, batch, outcomes);
    report.sent += settled.sent;
    report.failed += settled.failed;
    report.retrying += settled.retrying;
    // A batch that must wait (rate limit, outage) ends this round; the next tick tries again.
    if (settled.retrying > 0) return report;
    // Requests first: a backlog of thousands drains batch by batch between them.
    // Our work is the claim, the send and the settling; the waits for their commits served requests.
    await giveWay(batch.workMs + sendMs + settled.workMs);
  }
}

async function settle(deps: Deps, transport: Transport, batch: Batch, outcomes: SendOutcome[]): Promise<DispatchReport & { workMs: number }> {
  const report = { sent: 0, failed: 0, retrying: 0, workMs: 0 };
  const { clock } = deps;
  await transaction(deps.db, async (tx) => {
    const started = performance.now();
    const q = settleStatements(tx);
    const now = clock.now().getTime();
    const lease = batch.leaseUntil.getTime();
    for (const [i, message] of batch.messages.entries()) {
      const outcome = outcomes[i] ?? { ok: false, retryable: true, error: 'no outcome from transport' };
      if (outcome.ok) {
        report.sent += affected(await q.sent.execute({ providerId: outcome.providerId ?? null, transport: transport.name, now, id: message.id, lease }));
        continue;
      }
      if (outcome.retryable && message.attempts < MAX_SEND_ATTEMPTS) {
        const wait = Math.max(backoffMs(message.attempts), outcome.retryAfterMs ?? 0);
        report.retrying += affected(await q.retry.execute({ sendAfter: now + wait, error: outcome.error ?? null, id: message.id, lease }));
        continue;
      }
      report.failed += affected(await q.failed.execute({ transport: transport.name, error: outcome.error ?? null, id: message.id, lease }));
      if (outcome.optedOut && message.contactId !== null) {
        await tx.update(contacts).set({ smsOptOutAt: new Date(now) }).where(eq(contacts.id, message.contactId));
      }
    }
    report.workMs = performance.now() - started;
  });
  if (report.failed > 0) deps.log('messages failed', { transport: transport.name, count: report.failed });
  return report;
}

/**
 * Settling touches only rows still under our lease, so a sender that outlived
 * its lease changes nothing. Prepared once per connection: a backlog settles
 * row by row. Placeholders bypass the columns' encoders, so times go in as ms.
 */
const p = (name: string) => sql`${sql.placeholder(name)}`;
const settleStatements = perConnection((db: Db) => {
  const ours = and(eq(messages.id, sql.placeholder('id')), eq(messages.status, 'sending'), eq(messages.leaseUntil, sql.placeholder('lease')));
  return {
    sent: db.update(messages).set({ status: 'sent', providerId: p('providerId'), transport: p('transport'), sentAt: p('now'), leaseUntil: null, error: null }).where(ours).prepare(),
    retry: db.update(messages).set({ status: 'queued', sendAfter: p('sendAfter'), leaseUntil: null, error: p('error') }).where(ours).prepare(),
    failed: db.update(messages).set({ status: 'failed', transport: p('transport'), leaseUntil: null, error: p('error') }).where(ours).prepare(),
  };
});
