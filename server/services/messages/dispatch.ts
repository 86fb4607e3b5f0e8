import { and, eq, sql } from 'drizzle-orm';
import { CHANNELS, contacts, messages } from '../../../db/schema/index.ts';
import { perConnection, type Db } from '../../../db/index.ts';
import { affected } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { backoffMs } from '../../lib/backoff.ts';
import { NOT_SENT, type SendOutcome, type Transport } from '../../transports/types.ts';
import { everyoneLeads, type Leadership } from '../../../db/leader.ts';
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
 *
 * A transport with a provider account sends only where `leaders` says this
 * process leads that account (on PostgreSQL, one replica; db/leader.ts); the
 * default lets every caller send, as on SQLite.
 */
export async function dispatchMessages(deps: Deps, leaders: Leadership = everyoneLeads): Promise<DispatchReport> {
  // Both channels finish their round before a failure (a lost database) is reported: no drain outlives the pass.
  const settled = await Promise.allSettled(CHANNELS.map((channel) => drainIfLeading(deps, deps.transports[channel], leaders)));
  const reports = settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
  return reports.reduce(add);
}

const nothing = (): DispatchReport => ({ sent: 0, failed: 0, retrying: 0 });
const add = (a: DispatchReport, b: DispatchReport): DispatchReport => ({ sent: a.sent + b.sent, failed: a.failed + b.failed, retrying: a.retrying + b.retrying });

async function drainIfLeading(deps: Deps, transport: Transport, leaders: Leadership): Promise<DispatchReport> {
  if (transport.account === undefined) return drain(deps, transport, everyoneLeads.signal(''));
  if (!(await leaders.leads(transport.account))) return nothing();
  return drain(deps, transport, leaders.signal(transport.account));
}

/** Batches settling at once while later ones are claimed and sent. */
const MAX_SETTLING = 2;

/**
 * Claims and sends batch after batch until none is due. A batch holds its
 * place among those out (`inFlight`, default 1) only until its answer is in:
 * it settles while the next is claimed and sent, and rendering runs a batch
 * ahead of claims beside both. With a provider a round trip away the
 * transport asks for several out at once, and its pacer starts them in claim
 * order. Each batch settles on its own, under its own lease, so the order
 * answers come back in changes nothing. A batch that must wait (rate limit,
 * outage) ends the round; the next tick tries again. `lost` stops it at once:
 * nothing more is claimed, and batches still waiting for their turn go back
 * to the queue unsent.
 */
async function drain(deps: Deps, transport: Transport, lost: AbortSignal): Promise<DispatchReport> {
  let report = nothing();
  const out = new Set<Promise<void>>();
  const settling = new Set<Promise<void>>();
  let halt = false;
  let failure: { error: unknown } | null = null;
  const track = (set: Set<Promise<void>>, work: Promise<void>) => {
    const tracked: Promise<void> = work
      .catch((error: unknown) => {
        failure ??= { error };
        halt = true;
      })
      .finally(() => set.delete(tracked));
    set.add(tracked);
  };
  try {
    let upTo = transport.batchSize * 2;
    while (!halt && !lost.aborted) {
      await renderAhead(deps, transport.channel, upTo);
      upTo = transport.batchSize;
      while (out.size > 0 && out.size >= (transport.inFlight?.() ?? 1)) await Promise.race(out);
      // Settling holds a connection each: a backlog of them would starve requests of the pool.
      while (settling.size >= MAX_SETTLING) await Promise.race(settling);
      if (halt || lost.aborted) break;
      const batch = await claimBatch(deps, transport);
      if (!batch) break;
      if (batch.messages.length === 0) continue; // everyone in it had opted out
      track(
        out,
        send(transport, batch, lost).then(async ({ outcomes, sendMs }) => {
          if (outcomes.some((o) => !o.ok && o.retryable)) halt = true;
          track(
            settling,
            settle(deps, transport, batch, outcomes).then(async (settled) => {
              report = add(report, settled);
              await giveWay(settled.workMs);
            }),
          );
          // Requests first: a backlog of thousands drains batch by batch between them. Our work is
          // the claim and the send here, the settling above; the waits for their commits served requests.
          await giveWay(batch.workMs + sendMs);
        }),
      );
    }
  } finally {
    await Promise.all(out);
    await Promise.all(settling);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return report;
}

async function send(transport: Transport, batch: Batch, lost: AbortSignal): Promise<{ outcomes: SendOutcome[]; sendMs: number }> {
  const sending = performance.now();
  try {
    return { outcomes: await transport.send(batch.messages, batch.key, lost), sendMs: performance.now() - sending };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { outcomes: batch.messages.map(() => ({ ok: false, retryable: true, error: message })), sendMs: performance.now() - sending };
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
    const sent = batch.messages.flatMap((message, i) => (outcomes[i]?.ok ? [{ id: message.id, providerId: outcomes[i]!.providerId ?? null }] : []));
    report.sent += await twins(tx).messages.settleSent(tx, sent, { transport: transport.name, now, lease });
    for (const [i, message] of batch.messages.entries()) {
      const outcome = outcomes[i] ?? { ok: false, retryable: true, error: 'no outcome from transport' };
      if (outcome.ok) continue;
      if (outcome.error === NOT_SENT) {
        // Never left: back to the queue as it was, for whichever process dispatches now.
        await q.release.execute({ id: message.id, lease });
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
 * its lease changes nothing. What the provider took settles in one go
 * (db/sql/<engine>/messages.ts `settleSent`); the rest, rarer, row by row,
 * each statement prepared once per connection. Placeholders bypass the columns' encoders, so times go in as ms.
 */
const p = (name: string) => sql`${sql.placeholder(name)}`;
const settleStatements = perConnection((db: Db) => {
  const ours = and(eq(messages.id, sql.placeholder('id')), eq(messages.status, 'sending'), eq(messages.leaseUntil, sql.placeholder('lease')));
  return {
    retry: db.update(messages).set({ status: 'queued', sendAfter: p('sendAfter'), leaseUntil: null, error: p('error') }).where(ours).prepare(),
    failed: db.update(messages).set({ status: 'failed', transport: p('transport'), leaseUntil: null, error: p('error') }).where(ours).prepare(),
    release: db.update(messages).set({ status: 'queued', leaseUntil: null, attempts: sql`${messages.attempts} - 1` }).where(ours).prepare(),
  };
});
