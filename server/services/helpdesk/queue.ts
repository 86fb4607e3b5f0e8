import type { Tx } from '../../../db/index.ts';
import type { Escalation, Shop } from '../../../db/schema/index.ts';
import { enqueueJob } from '../../jobs/queue.ts';

export const HELPDESK_JOB = 'helpdesk.ticket';

/** What a job does to the ticket: open (or add to) it with a case's context, add a note, or close it when nothing is left open. */
export type TicketEvent =
  | { event: 'open'; escalationId: number }
  | { event: 'backorder'; backorderId: number }
  | { event: 'note'; body: string }
  | { event: 'close'; escalationId: number };

/** The ticket a case belongs on: one per order, else one per customer, else one for the case. */
export const ticketRef = (e: Pick<Escalation, 'id' | 'orderId' | 'contactId'>) =>
  e.orderId !== null ? `order:${e.orderId}` : e.contactId !== null ? `contact:${e.contactId}` : `escalation:${e.id}`;

/**
 * Schedules one change to the shop's helpdesk ticket, in the caller's
 * transaction, when the shop has a helpdesk. `key` names the event, so it is
 * scheduled once; the job retries with backoff while the helpdesk is down,
 * and the escalation stays in the dashboard meanwhile.
 */
export async function queueTicket(tx: Tx, shop: Shop, ref: string, key: string, change: TicketEvent, now: Date): Promise<void> {
  if (!shop.settings.helpdesk) return;
  await enqueueJob(tx, { kind: HELPDESK_JOB, key: `helpdesk:${shop.id}:${key}`, runAt: now, payload: { shopId: shop.id, ref, ...change }, maxAttempts: 12 }, now);
}

/** A note on the ticket of an open escalation (a reply that joined it). */
export async function noteOnTicket(tx: Tx, shop: Shop, escalation: Pick<Escalation, 'id' | 'orderId' | 'contactId'>, body: string, key: string, now: Date): Promise<void> {
  await queueTicket(tx, shop, ticketRef(escalation), key, { event: 'note', body }, now);
}
