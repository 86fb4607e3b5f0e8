import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { escalations, helpdeskTickets, shops, type HelpdeskTicket, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { helpdeskApi, HelpdeskError, type HelpdeskApi } from '../../platforms/helpdesk/index.ts';
import { storeApiDeps } from '../../platforms/store-http.ts';
import type { TicketEvent } from './queue.ts';
import { backorderTicket, escalationTicket, helpdeskRef, type TicketContent } from './ticket.ts';

/** Long enough for a create and a note on a slow helpdesk; a crashed worker's hold lapses after it. */
const LEASE_MS = 60_000;

type Payload = TicketEvent & { shopId: string; ref: string };

/**
 * Job `helpdesk.ticket`: one change to the shop's ticket for `ref`. The
 * worker holds the ticket row while it talks to the helpdesk, so two
 * replicas never both create it; a ticket an earlier try created but did not
 * record is found by its ref before another is made. Throwing retries the job
 * with backoff (a helpdesk that is down, or the ticket busy elsewhere).
 */
export async function syncTicket(deps: Deps, payload: Payload): Promise<void> {
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, payload.shopId));
  const account = shop?.settings.helpdesk;
  if (!shop || !account) return; // disconnected since: nothing to update
  const ticket = await hold(deps, shop, payload.ref, account.kind);
  let lastError: string | null = null;
  try {
    const origin = deps.config.helpdeskOrigins[account.kind] ?? null;
    const api = helpdeskApi(storeApiDeps(deps, origin !== null).http, account, origin);
    await apply(deps, shop, api, ticket, payload);
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    await transaction(deps.db, (tx) => tx.update(helpdeskTickets).set({ leaseUntil: null, lastError, updatedAt: deps.clock.now() }).where(eq(helpdeskTickets.id, ticket.id)));
  }
}

async function apply(deps: Deps, shop: Shop, api: HelpdeskApi, ticket: HelpdeskTicket, payload: Payload): Promise<void> {
  const publicUrl = deps.config.publicUrl;
  const content =
    payload.event === 'open'
      ? await escalationTicket(deps.db, shop, payload.escalationId, publicUrl)
      : payload.event === 'backorder'
        ? await backorderTicket(deps.db, shop, payload.backorderId, publicUrl)
        : null;
  if ((payload.event === 'open' || payload.event === 'backorder') && !content) return;
  if (payload.event === 'close') {
    if (!ticket.externalId || ticket.status === 'closed') return;
    // One ticket per order: it closes when the order's last open case is resolved.
    if (await stillOpen(deps, shop, payload.ref)) return void (await api.addNote(ticket.externalId, await resolvedNote(deps, shop, payload.escalationId)));
    try {
      await api.closeTicket(ticket.externalId);
    } catch (error) {
      // A ticket the helpdesk no longer has is as closed as it gets.
      if (!(error instanceof HelpdeskError && error.kind === 'not_found')) throw error;
    }
    return record(deps, ticket, { status: 'closed' });
  }
  if (!ticket.externalId) {
    const ref = helpdeskRef(shop.id, payload.ref);
    const found = await api.findTicket(ref);
    const first: TicketContent = content ?? { subject: `Waitline: ${payload.ref}`, requester: { email: null, phone: null, name: null }, body: payload.event === 'note' ? payload.body : '' };
    const made = found ?? (await api.createTicket({ ref, subject: first.subject, requester: first.requester, body: first.body, tags: ['waitline', payload.event === 'backorder' ? 'backorder' : 'escalation'] }));
    await record(deps, ticket, { externalId: made.id, url: made.url, status: 'open' });
    // Created with this event's content: done, unless an earlier try had made it and this event still needs saying,
    // or the helpdesk keeps the first words public (Freshdesk) and they follow as a note. A failed note retries
    // as a note: the ticket is recorded by now.
    if (!found && !made.bodyPending) return;
  }
  const body = content?.body ?? (payload.event === 'note' ? payload.body : '');
  // A closed ticket reopens with the note (the client does that): a new case on a settled order.
  try {
    await api.addNote(ticket.externalId ?? (await recorded(deps, ticket)).externalId!, body);
  } catch (error) {
    // Gone, or closed for good (Zendesk): the retry opens the order a new ticket with this event.
    if (error instanceof HelpdeskError && error.kind === 'not_found') await record(deps, ticket, { externalId: null, url: null, status: 'open' });
    throw error;
  }
  if (ticket.status === 'closed') await record(deps, ticket, { status: 'open' });
}

/** Takes the ticket row for this ref (making it the first time), or throws while another worker holds it. */
async function hold(deps: Deps, shop: Shop, ref: string, helpdesk: string): Promise<HelpdeskTicket> {
  const now = deps.clock.now();
  const held = await transaction(deps.db, async (tx) => {
    await tx.insert(helpdeskTickets).values({ shopId: shop.id, ref, helpdesk, createdAt: now, updatedAt: now }).onConflictDoNothing();
    const [row] = await tx
      .update(helpdeskTickets)
      .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
      .where(and(eq(helpdeskTickets.shopId, shop.id), eq(helpdeskTickets.ref, ref), eq(helpdeskTickets.helpdesk, helpdesk), or(isNull(helpdeskTickets.leaseUntil), lt(helpdeskTickets.leaseUntil, now))))
      .returning();
    return row;
  });
  if (!held) throw new Error(`helpdesk ticket ${ref} is being updated by another worker`);
  return held;
}

async function record(deps: Deps, ticket: HelpdeskTicket, fields: Partial<HelpdeskTicket>): Promise<void> {
  Object.assign(ticket, fields);
  await transaction(deps.db, (tx) => tx.update(helpdeskTickets).set({ ...fields, updatedAt: deps.clock.now() }).where(eq(helpdeskTickets.id, ticket.id)));
}

const recorded = async (deps: Deps, ticket: HelpdeskTicket) => (await deps.db.select().from(helpdeskTickets).where(eq(helpdeskTickets.id, ticket.id)))[0]!;

/** Is a case on this ticket still open? (The ref's own form says which cases share it: see ticketRef.) */
async function stillOpen(deps: Deps, shop: Shop, ref: string): Promise<boolean> {
  const [kind, id = ''] = ref.split(/:(.*)/s);
  const on = kind === 'order' ? eq(escalations.orderId, id) : kind === 'contact' ? and(isNull(escalations.orderId), eq(escalations.contactId, Number(id))) : eq(escalations.id, Number(id));
  const [open] = await deps.db.select({ id: escalations.id }).from(escalations).where(and(eq(escalations.shopId, shop.id), eq(escalations.status, 'open'), on)).limit(1);
  return Boolean(open);
}

async function resolvedNote(deps: Deps, shop: Shop, escalationId: number): Promise<string> {
  const [e] = await deps.db.select().from(escalations).where(and(eq(escalations.shopId, shop.id), eq(escalations.id, escalationId)));
  return `Resolved in Waitline: ${e?.kind.replace(/_/g, ' ') ?? 'a case'}${e?.resolution ? ` — ${e.resolution}` : ''}. Other cases on this order are still open.`;
}
