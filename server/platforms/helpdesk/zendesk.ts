import { basic, brief, field, helpdeskCall, HelpdeskError, idOf, numericId, type HelpdeskAccount, type HelpdeskApi, type HelpdeskHttp } from './types.ts';

/*
 * Zendesk Support API v2, as an agent with an API token.
 * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/
 * https://developer.zendesk.com/api-reference/introduction/security-and-auth/ (Basic {email}/token:{api_token})
 */

/** Zendesk's errors: `{error, description, details}`, `error` a code or (401) a sentence. */
function reason(json: unknown): string | null {
  const details = field(json, 'details');
  const first = details && typeof details === 'object' ? Object.values(details as Record<string, unknown>).flat()[0] : undefined;
  return brief(field(first, 'description')) ?? brief(field(json, 'description')) ?? brief(field(json, 'error'));
}

/** A closed ticket (closed for good) can take no update; an agent or Zendesk's automation closes solved tickets after days. */
const closedForGood = (json: unknown) => /closed prevents ticket update/i.test(JSON.stringify(field(json, 'details') ?? ''));

export function zendeskApi(http: HelpdeskHttp, account: HelpdeskAccount, origin: string): HelpdeskApi {
  const call = helpdeskCall(http, { vendor: 'Zendesk', subdomain: account.subdomain, base: `${origin}/api/v2`, authorization: account.email ? basic(`${account.email}/token`, account.apiKey) : null, reason });
  const agentUrl = (id: string) => `https://${account.subdomain}.zendesk.com/agent/tickets/${id}`;

  return {
    /**
     * List Tickets filtered by external_id. A closed ticket is left out: it cannot take a note, so the
     * order gets a new ticket (Zendesk's own follow-up rule).
     */
    async findTicket(ref) {
      const { json } = await call('GET', `/tickets?external_id=${encodeURIComponent(ref)}`);
      const tickets = field(json, 'tickets');
      if (!Array.isArray(tickets)) throw new HelpdeskError('unavailable', 'Zendesk answered a ticket list without tickets');
      const open = tickets.find((t) => field(t, 'external_id') === ref && field(t, 'status') !== 'closed');
      return open ? { id: idOf('Zendesk', open), url: agentUrl(idOf('Zendesk', open)) } : null;
    },

    /** The first comment is private (`public: false`): the requester is not emailed a copy of it. */
    async createTicket(ticket) {
      const { requester } = ticket;
      const who = requester.email ? { email: requester.email, name: requester.name ?? requester.email } : { name: requester.name ?? requester.phone ?? 'Customer' };
      const body = { ticket: { subject: ticket.subject, comment: { body: ticket.body, public: false }, requester: who, external_id: ticket.ref, tags: ticket.tags } };
      const { json } = await call('POST', '/tickets', { body });
      const id = idOf('Zendesk', field(json, 'ticket'));
      return { id, url: agentUrl(id) };
    },

    /** One update: a private comment, and `open` again when the ticket was solved. */
    async addNote(ticketId, text) {
      const id = numericId('Zendesk', ticketId);
      const { json: current } = await call('GET', `/tickets/${id}`);
      const status = field(field(current, 'ticket'), 'status');
      if (status === 'closed') throw new HelpdeskError('not_found', `Zendesk ticket ${id} is closed for good; a new ticket takes its place`);
      const update = { comment: { body: text, public: false }, ...(status === 'solved' ? { status: 'open' } : {}) };
      const answer = await call('PUT', `/tickets/${id}`, { body: { ticket: update }, pass: [422] });
      if (answer.status === 422) {
        if (closedForGood(answer.json)) throw new HelpdeskError('not_found', `Zendesk ticket ${id} is closed for good; a new ticket takes its place`);
        throw new HelpdeskError('rejected', `Zendesk refused the note (422)${reason(answer.json) ? `: ${reason(answer.json)}` : ''}`);
      }
    },

    /** Solved; a ticket already closed for good is as done as it gets. */
    async closeTicket(ticketId) {
      const id = numericId('Zendesk', ticketId);
      const answer = await call('PUT', `/tickets/${id}`, { body: { ticket: { status: 'solved' } }, pass: [422] });
      if (answer.status === 422 && !closedForGood(answer.json)) throw new HelpdeskError('rejected', `Zendesk refused to solve the ticket (422)${reason(answer.json) ? `: ${reason(answer.json)}` : ''}`);
    },
  };
}
