import { basicAuth, startHelpdeskServer, type HelpdeskStubBase, type HelpdeskStubOptions, type Reply } from './helpdesk-stub.ts';

/**
 * A local Re:amaze API v1 at `${url}/api/v1`, Basic `{login-email}:{api-token}` checked on every request:
 * - GET /conversations (filter, tag), GET /conversations/{slug}, POST /conversations,
 *   PUT /conversations/{slug}, POST /conversations/{slug}/messages
 *   https://www.reamaze.com/api/get_conversations  https://www.reamaze.com/api/post_conversations
 *   https://www.reamaze.com/api/put_conversations  https://www.reamaze.com/api/post_messages
 * A failed request is 422 with a JSON body explaining it; the wording here is the stub's own. Slugs are
 * formed from the subject, as Re:amaze forms them. A staff message marks the conversation resolved unless
 * `suppress_autoresolve` is sent, as documented.
 */

export interface StubReamazeMessage {
  body: string;
  /** 0 Regular, 1 Internal Note. */
  visibility: number;
  suppress_notifications: boolean;
}

export interface StubReamazeConversation {
  slug: string;
  subject: string;
  /** 0 Unresolved, 1 Pending, 2 Resolved, 3 Spam, 4 Archived, 5 On Hold, 6 Auto-Resolved. */
  status: number;
  category: { slug: string; name: string; channel: number };
  tag_list: string[];
  data: Record<string, unknown>;
  author: { name?: string; email?: string };
  messages: StubReamazeMessage[];
}

export interface ReamazeStub extends HelpdeskStubBase {
  tickets: Map<string, StubReamazeConversation>;
}

export async function startReamazeStub(opts: HelpdeskStubOptions & { email: string; apiToken: string; channels?: string[] }): Promise<ReamazeStub> {
  const tickets = new Map<string, StubReamazeConversation>();
  const channels = opts.channels ?? ['support'];
  const error = (status: number, text: string): Reply => ({ status, body: { error: text } });
  const view = ({ messages, ...c }: StubReamazeConversation) => ({ ...c, message: { body: messages[0]?.body ?? '' }, created_at: new Date().toISOString() });

  function slugFor(subject: string): string {
    const stem = subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'conversation';
    let slug = stem;
    for (let n = 1; tickets.has(slug); n++) slug = `${stem}-${n}`;
    return slug;
  }
  function message(m: any, c: StubReamazeConversation | null): StubReamazeMessage | string {
    if (!m || typeof m.body !== 'string' || !m.body) return "Body can't be blank";
    if (m.visibility !== undefined && m.visibility !== 0 && m.visibility !== 1) return 'Visibility is not included in the list';
    const made = { body: m.body, visibility: m.visibility ?? 0, suppress_notifications: m.suppress_notifications === true };
    if (c && m.suppress_autoresolve !== true) c.status = 2;
    return made;
  }

  const base = await startHelpdeskServer(opts, {
    authorization: () => basicAuth(opts.email, opts.apiToken),
    unauthorized: error(401, 'Invalid credentials'),
    notFound: error(404, 'Not found'),
    failure: (status) => (status === 429 ? error(429, 'Rate limit exceeded') : error(503, 'Service unavailable')),
    route({ method, path, query, body }) {
      const b = (body ?? {}) as Record<string, any>;
      if (method === 'GET' && path === '/api/v1/conversations') {
        const filter = query.get('filter');
        const tags = query.get('tag')?.split(',');
        const list = [...tickets.values()].filter((c) => (filter === 'all' || c.status !== 4) && (!tags || tags.some((t) => c.tag_list.includes(t)))).map(view);
        return { status: 200, body: { page_size: 30, page_count: 1, total_count: list.length, conversations: list } };
      }
      if (method === 'POST' && path === '/api/v1/conversations') {
        const c = b.conversation;
        if (!c || !channels.includes(c.category)) return error(422, 'Category must be a channel of this brand');
        if (!c.user?.email) return error(422, "User email can't be blank");
        const conversation: StubReamazeConversation = { slug: slugFor(String(c.subject ?? '')), subject: String(c.subject ?? ''), status: c.status ?? 0, category: { slug: c.category, name: c.category, channel: 1 }, tag_list: c.tag_list ?? [], data: c.data ?? {}, author: c.user, messages: [] };
        const first = message(c.message, null);
        if (typeof first === 'string') return error(422, first);
        conversation.messages.push(first);
        tickets.set(conversation.slug, conversation);
        return { status: 201, body: view(conversation) };
      }
      const m = /^\/api\/v1\/conversations\/([^/]+)(\/messages)?$/.exec(path);
      if (!m) return null;
      const conversation = tickets.get(m[1]!);
      if (!conversation) return error(404, 'Not found');
      if (method === 'GET' && !m[2]) return { status: 200, body: view(conversation) };
      if (method === 'PUT' && !m[2]) {
        const status = b.conversation?.status;
        if (status !== undefined && (!Number.isInteger(status) || status < 0 || status > 9)) return error(422, 'Status is not included in the list');
        if (status !== undefined) conversation.status = status;
        return { status: 200, body: view(conversation) };
      }
      if (method === 'POST' && m[2]) {
        const made = message(b.message, conversation);
        if (typeof made === 'string') return error(422, made);
        conversation.messages.push(made);
        return { status: 201, body: { body: made.body, visibility: made.visibility, created_at: new Date().toISOString(), conversation: { subject: conversation.subject, slug: conversation.slug } } };
      }
      return null;
    },
  });
  return { ...base, tickets };
}
