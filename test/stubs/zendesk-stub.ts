import { basicAuth, startHelpdeskServer, type HelpdeskStubBase, type HelpdeskStubOptions, type Reply } from './helpdesk-stub.ts';

/**
 * A local Zendesk Support API v2 at `${url}/api/v2`, Basic `{email}/token:{api_token}` checked on every request:
 * - GET /tickets?external_id=… (List Tickets), GET /tickets/{id}, POST /tickets, PUT /tickets/{id}
 *   https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/
 * Errors are Zendesk's `{error, description, details}`; 401 is `{error: "Couldn't authenticate you"}`.
 * A closed ticket refuses updates with 422, as Zendesk does. Paths may end in .json, as Zendesk allows.
 */

export interface StubZendeskTicket {
  id: number;
  url: string;
  external_id: string | null;
  subject: string;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  requester: { name?: string; email?: string };
  tags: string[];
  comments: Array<{ body: string; public: boolean }>;
}

export interface ZendeskStub extends HelpdeskStubBase {
  tickets: Map<number, StubZendeskTicket>;
}

export async function startZendeskStub(opts: HelpdeskStubOptions & { email: string; token: string }): Promise<ZendeskStub> {
  const tickets = new Map<number, StubZendeskTicket>();
  let nextId = 35_436;
  const error = (status: number, err: string, description?: string, details?: unknown): Reply => ({ status, body: { error: err, ...(description ? { description } : {}), ...(details ? { details } : {}) } });
  const invalid = (field: string, description: string) => error(422, 'RecordInvalid', 'Record validation errors', { [field]: [{ description, error: 'InvalidValue' }] });
  const view = ({ comments: _, ...t }: StubZendeskTicket) => t;
  const audit = (t: StubZendeskTicket) => ({ id: Date.now(), ticket_id: t.id, events: [] });

  const base = await startHelpdeskServer(opts, {
    authorization: () => basicAuth(`${opts.email}/token`, opts.token),
    unauthorized: error(401, "Couldn't authenticate you"),
    notFound: error(404, 'InvalidEndpoint', 'Not found'),
    failure: (status) => (status === 429 ? error(429, 'APIRateLimitExceeded', 'Number of allowed API requests per minute exceeded') : error(503, 'ServiceUnavailable', 'Maintenance')),
    route({ method, path, query, body }) {
      const p = path.replace(/\.json$/, '');
      const b = body as { ticket?: Record<string, any> } | null;
      if (method === 'GET' && p === '/api/v2/tickets') {
        const ext = query.get('external_id');
        const list = [...tickets.values()].filter((t) => ext === null || t.external_id === ext).map(view);
        return { status: 200, body: { tickets: list, next_page: null, previous_page: null, count: list.length } };
      }
      if (method === 'POST' && p === '/api/v2/tickets') {
        const t = b?.ticket;
        if (!t || typeof t.comment?.body !== 'string' || !t.comment.body) return invalid('description', 'Description: cannot be blank');
        if (!t.requester?.name && !t.requester?.email) return invalid('requester', 'Requester: Name is too short (minimum one character)');
        const id = nextId++;
        const ticket: StubZendeskTicket = {
          id,
          url: `${base.url}/api/v2/tickets/${id}.json`,
          external_id: t.external_id ?? null,
          subject: t.subject ?? t.comment.body.slice(0, 50),
          status: t.status ?? 'new',
          requester: t.requester,
          tags: (t.tags ?? []).map((tag: string) => tag.toLowerCase().replace(/\s+/g, '_')),
          comments: [{ body: t.comment.body, public: t.comment.public ?? true }],
        };
        tickets.set(id, ticket);
        return { status: 201, body: { ticket: view(ticket), audit: audit(ticket) } };
      }
      const m = /^\/api\/v2\/tickets\/(\d+)$/.exec(p);
      const ticket = m ? tickets.get(Number(m[1])) : undefined;
      if (m && !ticket) return error(404, 'RecordNotFound', 'Not found');
      if (!ticket) return null;
      if (method === 'GET') return { status: 200, body: { ticket: view(ticket) } };
      if (method === 'PUT') {
        if (ticket.status === 'closed') return invalid('status', 'Status: closed prevents ticket update');
        const t = b?.ticket ?? {};
        if (t.status !== undefined && !['new', 'open', 'pending', 'hold', 'solved'].includes(t.status)) return invalid('status', `Status: ${t.status} is not a valid value`);
        if (t.comment) ticket.comments.push({ body: String(t.comment.body ?? ''), public: t.comment.public ?? true });
        if (t.status) ticket.status = t.status;
        return { status: 200, body: { ticket: view(ticket), audit: audit(ticket) } };
      }
      return null;
    },
  });
  return { ...base, tickets };
}
