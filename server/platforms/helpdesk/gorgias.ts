import { basic, brief, field, helpdeskCall, HelpdeskError, idOf, numericId, type HelpdeskAccount, type HelpdeskApi, type HelpdeskHttp } from './types.ts';

/*
 * Gorgias REST API, with a REST API key and the login email it belongs to (Basic {email}:{key}).
 * https://developers.gorgias.com/reference/introduction
 * https://developers.gorgias.com/docs/create-a-ticket-using-api
 * https://developers.gorgias.com/docs/create-a-new-message-in-ticket-via-api
 */

/** Gorgias's errors carry an `error` attribute: `{error: {msg, data}}`. */
function reason(json: unknown): string | null {
  const error = field(json, 'error');
  return brief(field(error, 'msg')) ?? brief(error);
}

export function gorgiasApi(http: HelpdeskHttp, account: HelpdeskAccount, origin: string): HelpdeskApi {
  const call = helpdeskCall(http, { vendor: 'Gorgias', subdomain: account.subdomain, base: `${origin}/api`, authorization: account.email ? basic(account.email, account.apiKey) : null, reason });
  const appUrl = (id: string) => `https://${account.subdomain}.gorgias.com/app/ticket/${id}`;

  /** An internal note is outgoing, from the agent the key belongs to, and never sent to the customer. */
  const note = (text: string) => ({ channel: 'internal-note', via: 'api', from_agent: true, public: false, sender: { email: account.email }, body_text: text });

  return {
    /** List tickets filtered by external_id. https://developers.gorgias.com/reference/list-tickets */
    async findTicket(ref) {
      const { json } = await call('GET', `/tickets?external_id=${encodeURIComponent(ref)}&limit=1`);
      const data = field(json, 'data');
      if (!Array.isArray(data)) throw new HelpdeskError('unavailable', 'Gorgias answered a ticket list without data');
      const found = data.find((t) => field(t, 'external_id') === ref);
      return found ? { id: idOf('Gorgias', found), url: appUrl(idOf('Gorgias', found)) } : null;
    },

    /** A ticket on the API channel whose only message is an internal note. https://developers.gorgias.com/reference/create-ticket */
    async createTicket(ticket) {
      const { email, phone, name } = ticket.requester;
      if (!email) throw new HelpdeskError('rejected', `Gorgias opens a ticket for a customer email; this customer has only ${phone ? 'a phone number' : 'no contact'}`);
      const body = {
        customer: { email, ...(name ? { name } : {}) },
        external_id: ticket.ref,
        subject: ticket.subject,
        channel: 'api',
        via: 'api',
        from_agent: true,
        status: 'open',
        tags: ticket.tags.map((tag) => ({ name: tag })),
        messages: [{ ...note(ticket.body), subject: ticket.subject }],
      };
      const { json } = await call('POST', '/tickets', { body });
      const id = idOf('Gorgias', json);
      return { id, url: appUrl(id) };
    },

    /** An internal note, then open again when the ticket was closed. */
    async addNote(ticketId, text) {
      const id = numericId('Gorgias', ticketId);
      const { json } = await call('GET', `/tickets/${id}`);
      await call('POST', `/tickets/${id}/messages`, { body: note(text) });
      if (field(json, 'status') === 'closed') await call('PUT', `/tickets/${id}`, { body: { status: 'open' } });
    },

    /** https://developers.gorgias.com/reference/update-ticket */
    async closeTicket(ticketId) {
      await call('PUT', `/tickets/${numericId('Gorgias', ticketId)}`, { body: { status: 'closed' } });
    },
  };
}
