import { basic, brief, field, helpdeskCall, HelpdeskError, idOf, numericId, type HelpdeskAccount, type HelpdeskApi, type HelpdeskHttp } from './types.ts';

/*
 * Freshdesk API v2, with an agent's API key (Basic {api_key}:X).
 * https://developers.freshdesk.com/api/#tickets
 */

/** Ticket statuses and priority, as Freshdesk numbers them. */
const OPEN = 2;
const RESOLVED = 4;
const CLOSED = 5;
const PRIORITY_MEDIUM = 2;

/** Freshdesk's errors: `{description, errors: [{field, message, code}]}`, or `{code, message}` (401, 403). */
function reason(json: unknown): string | null {
  const errors = field(json, 'errors');
  const first = Array.isArray(errors) ? errors[0] : undefined;
  if (first) return brief(`${String(field(first, 'field') ?? '')} ${String(field(first, 'message') ?? '')}`);
  return brief(field(json, 'message')) ?? brief(field(json, 'description'));
}

/** The description is HTML: our plain text, escaped, its lines kept. */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br>');

export function freshdeskApi(http: HelpdeskHttp, account: HelpdeskAccount, origin: string): HelpdeskApi {
  const call = helpdeskCall(http, { vendor: 'Freshdesk', subdomain: account.subdomain, base: `${origin}/api/v2`, authorization: basic(account.apiKey, 'X'), reason });
  const agentUrl = (id: string) => `https://${account.subdomain}.freshdesk.com/a/tickets/${id}`;

  async function setStatus(id: string, status: number) {
    await call('PUT', `/tickets/${id}`, { body: { status } });
  }

  return {
    /**
     * The ref is a tag, found with the ticket filter query (`"tag:'…'"`, double quotes included). Freshdesk
     * indexes a new ticket for search within minutes, so a retry right after a create may still miss it.
     * https://developers.freshdesk.com/api/#filter_tickets
     */
    async findTicket(ref) {
      if (/['"\\]/.test(ref)) throw new HelpdeskError('rejected', 'A ticket ref is letters, digits and hyphens');
      const { json } = await call('GET', `/search/tickets?query=${encodeURIComponent(`"tag:'${ref}'"`)}`);
      const results = field(json, 'results');
      if (!Array.isArray(results)) throw new HelpdeskError('unavailable', 'Freshdesk answered a search without results');
      const found = results.find((t) => { const tags = field(t, 'tags'); return Array.isArray(tags) && tags.includes(ref); });
      return found ? { id: idOf('Freshdesk', found), url: agentUrl(idOf('Freshdesk', found)) } : null;
    },

    /**
     * Open, medium priority, tagged with the ref. Freshdesk needs an email or a phone (with a name) for the
     * requester. Its description has no private form, and Freshdesk's default "new ticket" notice mails it
     * to the requester, so it says only the subject: the context follows as a private note (`bodyPending`).
     * https://developers.freshdesk.com/api/#create_ticket
     */
    async createTicket(ticket) {
      const { email, phone, name } = ticket.requester;
      if (!email && !phone) throw new HelpdeskError('rejected', 'Freshdesk needs the customer email or phone to open a ticket');
      const requester = email ? { email, ...(name ? { name } : {}) } : { phone, name: name ?? phone };
      const body = { ...requester, subject: ticket.subject, description: html(ticket.subject), status: OPEN, priority: PRIORITY_MEDIUM, tags: [...new Set([ticket.ref, ...ticket.tags])] };
      const { json } = await call('POST', '/tickets', { body });
      const id = idOf('Freshdesk', json);
      return { id, url: agentUrl(id), bodyPending: true };
    },

    /** A private note, then Open again when it was resolved or closed. https://developers.freshdesk.com/api/#add_note_to_a_ticket */
    async addNote(ticketId, text) {
      const id = numericId('Freshdesk', ticketId);
      const { json } = await call('GET', `/tickets/${id}`);
      await call('POST', `/tickets/${id}/notes`, { body: { body: html(text), private: true } });
      const status = field(json, 'status');
      if (status === RESOLVED || status === CLOSED) await setStatus(id, OPEN);
    },

    /** Resolved (not Closed: an agent can still see it in the resolved view). https://developers.freshdesk.com/api/#update_ticket */
    closeTicket: (ticketId) => setStatus(numericId('Freshdesk', ticketId), RESOLVED),
  };
}
