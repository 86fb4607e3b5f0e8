import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { perConnection, type Db } from '../../../db/index.ts';
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
}

/**
 * Leases the next batch for a transport, in one transaction: a batch whose
 * lease lapsed first (re-sent whole, same members, same provider key), else
 * the next due messages. The dispatcher claims many small batches during a
 * burst, so every statement here is prepared once per connection.
 */
export function claimBatch(deps: Deps, transport: Transport): Batch | null {
  const { db, clock } = deps;
  const q = statements(db);
  return db.$client.transaction((): Batch | null => {
    const now = clock.now();
    const at = { channel: transport.channel, now: now.getTime() };
    const first = q.firstSending.get(at) ?? q.firstQueued.get(at);
    if (!first) return null;

    let rows = first.batchKey
      ? q.batchMembers.all({ batchKey: first.batchKey })
      : q.nextDue.all({ ...at, limit: transport.batchSize });
    rows = dropOptedOut(db, rows);
    const leaseUntil = new Date(now.getTime() + deps.config.leaseMs);
    // Rendered once (mostly ahead, by renderAhead) and stored: a re-send is byte-for-byte the same request.
    const rendered = renderAndStore(deps, rows);
    if (rendered.length === 0) return { key: '', messages: [], leaseUntil };
    const key = first.batchKey ?? `b_${token(12)}`;
    for (const r of rendered) q.lease.run(key, leaseUntil.getTime(), r.id);
    return { key, leaseUntil, messages: rendered.map((r) => ({ ...r, batchKey: key, attempts: r.attempts + 1 })) };
  })();
}

/** The one email an opted-out address gets: the link back, which it asked for. */
const OPT_OUT_PROOF = 'email-resubscribe';

interface OptOuts {
  email: number | null;
  sms: number | null;
  reason: EmailOptOutReason | null;
}

/** An opt-out recorded after a message was queued still stops it (an order notice survives an unsubscribe only). */
function dropOptedOut(db: Db, rows: Message[]): Message[] {
  const q = statements(db);
  const seen = new Map<number, OptOuts | undefined>();
  return rows.filter((r) => {
    if (r.contactId === null || r.template === OPT_OUT_PROOF) return true;
    if (!seen.has(r.contactId)) seen.set(r.contactId, q.optOuts.get(r.contactId) as OptOuts | undefined);
    const found = seen.get(r.contactId);
    if (!found?.[r.channel]) return true;
    if (r.channel === 'email' && sendsDespiteOptOut(found.reason, r.template, r.backorderId)) return true;
    q.suppress.run(r.id);
    return false;
  });
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
  lease: db.$client.prepare(`update messages set status = 'sending', batch_key = ?, lease_until = ?, attempts = attempts + 1 where id = ?`),
  optOuts: db.$client.prepare(`select ${contacts.emailOptOutAt.name} as email, ${contacts.smsOptOutAt.name} as sms, ${contacts.emailOptOutReason.name} as reason from contacts where id = ?`),
  suppress: db.$client.prepare(`update messages set status = 'suppressed', error = 'recipient opted out', lease_until = null where id = ?`),
}));
