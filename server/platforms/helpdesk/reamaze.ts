import { basic, brief, field, helpdeskCall, HelpdeskError, type HelpdeskAccount, type HelpdeskApi, type HelpdeskHttp } from './types.ts';

/*
 * Re:amaze API v1, with a staff login email and its API token (Basic {email}:{token}). A ticket is a
 * conversation, named by its slug.
 * https://www.reamaze.com/api/post_conversations
 * https://www.reamaze.com/api/post_messages
 * https://www.reamaze.com/api/put_conversations
 * https://www.reamaze.com/api/get_conversations
 */

/** Statuses as Re:amaze numbers them (Retrieving Conversations): 0 Unresolved, 2 Resolved, 6 Auto-Resolved, 8 Chatbot Resolved. */
const UNRESOLVED = 0;
const RESOLVED = 2;
const DONE = new Set([RESOLVED, 6, 8]);
const INTERNAL_NOTE = 1;

/** 422s explain themselves in `{error}` or `{errors}`. */
function reason(json: unknown): string | null {
  const errors = field(json, 'errors');
  return brief(field(json, 'error')) ?? brief(Array.isArray(errors) ? errors[0] : errors && typeof errors === 'object' ? JSON.stringify(errors) : errors);
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,200}$/i;
function slugOf(id: string): string {
  if (!SLUG.test(id)) throw new HelpdeskError('rejected', 'A Re:amaze conversation slug is letters, digits and hyphens');
  return id;
}

export function reamazeApi(http: HelpdeskHttp, account: HelpdeskAccount, origin: string): HelpdeskApi {
  const call = helpdeskCall(http, { vendor: 'Re:amaze', subdomain: account.subdomain, base: `${origin}/api/v1`, authorization: account.email ? basic(account.email, account.apiKey) : null, reason });
  const adminUrl = (slug: string) => `https://${account.subdomain}.reamaze.com/admin/conversations/${slug}`;
  const slugIn = (value: unknown) => {
    const slug = field(value, 'slug');
    if (typeof slug !== 'string' || !SLUG.test(slug)) throw new HelpdeskError('unavailable', 'Re:amaze answered without a conversation slug');
    return slug;
  };
  /** Staff messages would otherwise notify the customer and mark the conversation resolved. */
  const quiet = { suppress_notifications: true, suppress_autoresolve: true };

  return {
    /** Every conversation (archived and resolved too) carrying the ref as a tag. */
    async findTicket(ref) {
      const { json } = await call('GET', `/conversations?filter=all&tag=${encodeURIComponent(ref)}`);
      const conversations = field(json, 'conversations');
      if (!Array.isArray(conversations)) throw new HelpdeskError('unavailable', 'Re:amaze answered a list without conversations');
      const found = conversations.find((c) => { const tags = field(c, 'tag_list'); return Array.isArray(tags) && tags.includes(ref); });
      return found ? { id: slugIn(found), url: adminUrl(slugIn(found)) } : null;
    },

    /** On behalf of the customer, in the shop's channel; the first message is an internal note, sent to no one. */
    async createTicket(ticket) {
      if (!account.channel) throw new HelpdeskError('rejected', 'Re:amaze opens a conversation in a channel: set the channel slug in the helpdesk settings');
      const { email, phone, name } = ticket.requester;
      if (!email) throw new HelpdeskError('rejected', `Re:amaze opens a conversation for a customer email; this customer has only ${phone ? 'a phone number' : 'no contact'}`);
      const body = {
        conversation: {
          subject: ticket.subject,
          category: account.channel,
          tag_list: [...new Set([ticket.ref, ...ticket.tags])],
          status: UNRESOLVED,
          data: { waitline_ref: ticket.ref },
          message: { body: ticket.body, visibility: INTERNAL_NOTE, ...quiet },
          user: { email, name: name ?? email },
        },
      };
      const { json } = await call('POST', '/conversations', { body });
      const slug = slugIn(json);
      return { id: slug, url: adminUrl(slug) };
    },

    async addNote(ticketId, text) {
      const slug = slugOf(ticketId);
      const { json } = await call('GET', `/conversations/${slug}`);
      await call('POST', `/conversations/${slug}/messages`, { body: { message: { body: text, visibility: INTERNAL_NOTE, ...quiet } } });
      if (DONE.has(field(json, 'status') as number)) await call('PUT', `/conversations/${slug}`, { body: { conversation: { status: UNRESOLVED } } });
    },

    async closeTicket(ticketId) {
      await call('PUT', `/conversations/${slugOf(ticketId)}`, { body: { conversation: { status: RESOLVED } } });
    },
  };
}
