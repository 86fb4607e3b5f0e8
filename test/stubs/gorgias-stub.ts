import { basicAuth, startHelpdeskServer, type HelpdeskStubBase, type HelpdeskStubOptions, type Reply } from './helpdesk-stub.ts';

/**
 * A local Gorgias REST API at `${url}/api`, Basic `{email}:{api_key}` checked on every request:
 * - GET /tickets?external_id=… (cursor list `{object, uri, data, meta}`), GET /tickets/{id}, POST /tickets,
 *   PUT /tickets/{id}, POST /tickets/{id}/messages
 *   https://developers.gorgias.com/reference/list-tickets
 *   https://developers.gorgias.com/docs/create-a-ticket-using-api
 *   https://developers.gorgias.com/docs/create-a-new-message-in-ticket-via-api
 * Errors carry an `error` attribute (https://developers.gorgias.com/reference/errors); its wording here is
 * the stub's own. A 429 carries Retry-After (https://developers.gorgias.com/reference/limitations).
 */

export interface StubGorgiasMessage {
  channel: string;
  via: string;
  from_agent: boolean;
  public: boolean;
  sender: { email?: string };
  body_text: string;
}

export interface StubGorgiasTicket {
  id: number;
  uri: string;
  external_id: string | null;
  subject: string;
  status: 'open' | 'closed';
  channel: string;
  customer: { email?: string; name?: string };
  tags: Array<{ id: number; name: string }>;
  messages: StubGorgiasMessage[];
}

export interface GorgiasStub extends HelpdeskStubBase {
  tickets: Map<number, StubGorgiasTicket>;
}

export async function startGorgiasStub(opts: HelpdeskStubOptions & { email: string; apiKey: string }): Promise<GorgiasStub> {
  const tickets = new Map<number, StubGorgiasTicket>();
  let nextId = 1_200;
  let nextTag = 1;
  const error = (status: number, msg: string, data?: unknown): Reply => ({ status, body: { error: { msg, ...(data ? { data } : {}) } } });
  const view = ({ messages, ...t }: StubGorgiasTicket) => ({ ...t, messages_count: messages.length });

  /** An internal note must come from an agent and is never public; a customer message needs a sender. */
  function message(m: any): StubGorgiasMessage | string {
    if (!m || typeof m.body_text !== 'string' || !m.channel || !m.via) return 'messages: channel, via and body_text are required';
    if (m.channel === 'internal-note' && (m.from_agent !== true || m.public === true)) return 'messages: an internal note is from an agent and not public';
    if (!m.sender?.email && !m.sender?.id) return 'messages: sender is required';
    return { channel: m.channel, via: m.via, from_agent: Boolean(m.from_agent), public: m.public ?? m.channel !== 'internal-note', sender: m.sender, body_text: m.body_text };
  }

  const base = await startHelpdeskServer(opts, {
    authorization: () => basicAuth(opts.email, opts.apiKey),
    unauthorized: error(401, 'Unauthorized'),
    notFound: error(404, 'Resource not found'),
    failure: (status) => (status === 429 ? error(429, 'Too many requests') : error(503, 'Service unavailable')),
    route({ method, path, query, body }) {
      const b = (body ?? {}) as Record<string, any>;
      if (method === 'GET' && path === '/api/tickets') {
        const ext = query.get('external_id');
        const limit = Math.min(100, Number(query.get('limit') ?? 30) || 30);
        const data = [...tickets.values()].filter((t) => ext === null || t.external_id === ext).slice(0, limit).map(view);
        return { status: 200, body: { object: 'list', uri: '/api/tickets', data, meta: { prev_cursor: null, next_cursor: null } } };
      }
      if (method === 'POST' && path === '/api/tickets') {
        if (!Array.isArray(b.messages) || b.messages.length === 0) return error(400, 'Invalid data', { messages: ['A ticket needs at least one message'] });
        const messages = b.messages.map(message);
        const bad = messages.find((m: unknown) => typeof m === 'string');
        if (bad) return error(400, 'Invalid data', { messages: [bad] });
        if (!b.customer?.email && !b.customer?.id) return error(400, 'Invalid data', { customer: ['customer is required'] });
        const id = nextId++;
        const ticket: StubGorgiasTicket = { id, uri: `/api/tickets/${id}/`, external_id: b.external_id ?? null, subject: b.subject ?? '', status: b.status ?? 'open', channel: b.channel ?? 'api', customer: b.customer, tags: (b.tags ?? []).map((t: { name: string }) => ({ id: nextTag++, name: t.name })), messages: messages as StubGorgiasMessage[] };
        tickets.set(id, ticket);
        return { status: 201, body: view(ticket) };
      }
      const m = /^\/api\/tickets\/(\d+)(\/messages)?\/?$/.exec(path);
      if (!m) return null;
      const ticket = tickets.get(Number(m[1]));
      if (!ticket) return error(404, 'Resource not found');
      if (method === 'GET' && !m[2]) return { status: 200, body: view(ticket) };
      if (method === 'PUT' && !m[2]) {
        if (b.status !== undefined && b.status !== 'open' && b.status !== 'closed') return error(400, 'Invalid data', { status: ['Must be one of: open, closed.'] });
        if (b.status) ticket.status = b.status;
        return { status: 202, body: view(ticket) };
      }
      if (method === 'POST' && m[2]) {
        const made = message(b);
        if (typeof made === 'string') return error(400, 'Invalid data', { message: [made] });
        ticket.messages.push(made);
        return { status: 201, body: { id: nextId * 10 + ticket.messages.length, ticket_id: ticket.id, ...made } };
      }
      return null;
    },
  });
  return { ...base, tickets };
}
