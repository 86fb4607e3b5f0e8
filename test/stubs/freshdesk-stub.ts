import { basicAuth, startHelpdeskServer, type HelpdeskStubBase, type HelpdeskStubOptions, type Reply } from './helpdesk-stub.ts';

/**
 * A local Freshdesk API v2 at `${url}/api/v2`, Basic `{api_key}:X` checked on every request:
 * - POST /tickets, GET /tickets/{id}, PUT /tickets/{id}, POST /tickets/{id}/notes
 * - GET /search/tickets?query="tag:'…'" (the value in double quotes, as documented; only `tag:` terms here)
 *   https://developers.freshdesk.com/api/#tickets
 * Errors are Freshdesk's: `{code, message}` for 401, `{description, errors: [{field, message, code}]}` for
 * validation; a missing ticket is 404 with an empty body.
 */

export interface StubFreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  /** 2 Open, 3 Pending, 4 Resolved, 5 Closed. */
  status: number;
  priority: number;
  tags: string[];
  notes: Array<{ body: string; private: boolean }>;
}

export interface FreshdeskStub extends HelpdeskStubBase {
  tickets: Map<number, StubFreshdeskTicket>;
}

export async function startFreshdeskStub(opts: HelpdeskStubOptions & { apiKey: string }): Promise<FreshdeskStub> {
  const tickets = new Map<number, StubFreshdeskTicket>();
  let nextId = 1;
  let nextNote = 5_000_000;
  const validation = (field: string, message: string, code = 'invalid_value'): Reply => ({ status: 400, body: { description: 'Validation failed', errors: [{ field, message, code }] } });
  const view = ({ notes: _, ...t }: StubFreshdeskTicket) => ({ ...t, description_text: t.description.replace(/<br>/g, '\n'), created_at: new Date().toISOString() });

  const base = await startHelpdeskServer(opts, {
    authorization: () => basicAuth(opts.apiKey, 'X'),
    unauthorized: { status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } },
    notFound: { status: 404 },
    failure: (status) => (status === 429 ? { status: 429, body: { message: 'You have exceeded the limit of requests per minute' } } : { status: 503 }),
    route({ method, path, query, body }) {
      const b = (body ?? {}) as Record<string, any>;
      if (method === 'GET' && path === '/api/v2/search/tickets') {
        const q = query.get('query') ?? '';
        const m = /^"tag:'([^']*)'"$/.exec(q);
        if (!m) return validation('query', "It should be a valid query enclosed in double quotes", 'invalid_value');
        const results = [...tickets.values()].filter((t) => t.tags.includes(m[1]!)).map(view);
        return { status: 200, body: { results, total: results.length } };
      }
      if (method === 'POST' && path === '/api/v2/tickets') {
        if (!b.email && !b.phone) return validation('requester_id', 'Please fill at least 1 of requester_id, phone, email, twitter_id, facebook_id, unique_external_id fields', 'missing_field');
        if (b.phone && !b.email && !b.name) return validation('name', 'It should be a/an String', 'missing_field');
        if (![2, 3, 4, 5].includes(b.status) || ![1, 2, 3, 4].includes(b.priority)) return validation('status', 'It should be one of these values: 2,3,4,5', 'invalid_value');
        const ticket: StubFreshdeskTicket = { id: nextId++, subject: String(b.subject ?? ''), description: String(b.description ?? ''), email: b.email ?? null, phone: b.phone ?? null, name: b.name ?? null, status: b.status, priority: b.priority, tags: b.tags ?? [], notes: [] };
        tickets.set(ticket.id, ticket);
        return { status: 201, body: view(ticket) };
      }
      const m = /^\/api\/v2\/tickets\/(\d+)(\/notes)?$/.exec(path);
      const ticket = m ? tickets.get(Number(m[1])) : undefined;
      if (!m) return null;
      if (!ticket) return { status: 404 };
      if (method === 'GET' && !m[2]) return { status: 200, body: view(ticket) };
      if (method === 'PUT' && !m[2]) {
        if (b.status !== undefined && ![2, 3, 4, 5].includes(b.status)) return validation('status', 'It should be one of these values: 2,3,4,5');
        if (b.status !== undefined) ticket.status = b.status;
        return { status: 200, body: view(ticket) };
      }
      if (method === 'POST' && m[2]) {
        if (typeof b.body !== 'string' || !b.body) return validation('body', 'It should be a/an String', 'missing_field');
        const note = { body: b.body, private: b.private ?? true };
        ticket.notes.push(note);
        return { status: 201, body: { id: nextNote++, ticket_id: ticket.id, body: note.body, body_text: note.body, private: note.private, incoming: false } };
      }
      return null;
    },
  });
  return { ...base, tickets };
}
