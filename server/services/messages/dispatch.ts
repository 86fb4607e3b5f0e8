import { CHANNELS } from '../../../db/schema/index.ts';
import { perConnection, type Db } from '../../../db/index.ts';
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
  const reports = await Promise.all(CHANNELS.map((channel) => drain(deps, deps.transports[channel])));
  return reports.reduce((a, b) => ({ sent: a.sent + b.sent, failed: a.failed + b.failed, retrying: a.retrying + b.retrying }));
}

async function drain(deps: Deps, transport: Transport): Promise<DispatchReport> {
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  for (;;) {
    await renderAhead(deps, transport.channel, transport.batchSize);
    const started = performance.now();
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
    // Requests first: a backlog of thousands drains batch by batch between them.
    await giveWay(performance.now() - started);
  }
}

function settle(deps: Deps, transport: Transport, batch: Batch, outcomes: SendOutcome[]): DispatchReport {
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  const { db, clock } = deps;
  const q = settleStatements(db);
  db.transaction(() => {
    const now = clock.now().getTime();
    const lease = batch.leaseUntil.getTime();
    batch.messages.forEach((message, i) => {
      const outcome = outcomes[i] ?? { ok: false, retryable: true, error: 'no outcome from transport' };
      if (outcome.ok) {
        report.sent += q.sent.run(outcome.providerId ?? null, transport.name, now, message.id, lease).changes;
        return;
      }
      if (outcome.retryable && message.attempts < MAX_SEND_ATTEMPTS) {
        const wait = Math.max(backoffMs(message.attempts), outcome.retryAfterMs ?? 0);
        report.retrying += q.retry.run(now + wait, outcome.error ?? null, message.id, lease).changes;
        return;
      }
      report.failed += q.failed.run(transport.name, outcome.error ?? null, message.id, lease).changes;
      if (outcome.optedOut && message.contactId !== null) q.optOut.run(now, message.contactId);
    });
  });
  if (report.failed > 0) deps.log('messages failed', { transport: transport.name, count: report.failed });
  return report;
}

/**
 * Settling touches only rows still under our lease, so a sender that outlived
 * its lease changes nothing. Prepared once: a backlog settles row by row.
 */
const settleStatements = perConnection((db: Db) => {
  const ours = `where id = ? and status = 'sending' and lease_until = ?`;
  return {
    sent: db.$client.prepare(`update messages set status = 'sent', provider_id = ?, transport = ?, sent_at = ?, lease_until = null, error = null ${ours}`),
    retry: db.$client.prepare(`update messages set status = 'queued', send_after = ?, lease_until = null, error = ? ${ours}`),
    failed: db.$client.prepare(`update messages set status = 'failed', transport = ?, lease_until = null, error = ? ${ours}`),
    optOut: db.$client.prepare('update contacts set sms_opt_out_at = ? where id = ?'),
  };
});
