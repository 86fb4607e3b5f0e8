import { StoreError, type StoreHttp } from '../store.ts';

/*
 * What Waitline asks of a shop's helpdesk, in one shape: one ticket per order,
 * opened when a case needs a person, noted on later events, closed when the
 * case is resolved. Each vendor's client (gorgias, zendesk, freshdesk, reamaze)
 * turns its REST API into this; index.ts picks one.
 */

export const HELPDESK_KINDS = ['gorgias', 'zendesk', 'freshdesk', 'reamaze'] as const;
export type HelpdeskKind = (typeof HELPDESK_KINDS)[number];

/** A vendor subdomain (acme in acme.zendesk.com): one DNS label, so the key never goes to a host the shop did not name. */
export const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface HelpdeskAccount {
  kind: HelpdeskKind;
  /** acme for acme.gorgias.com / acme.zendesk.com / acme.freshdesk.com / acme.reamaze.io */
  subdomain: string;
  /** The agent login the API key belongs to (Gorgias, Zendesk, Re:amaze use Basic auth with it); Freshdesk ignores it. */
  email: string | null;
  apiKey: string;
  /**
   * Re:amaze only: the slug of the channel new conversations open in. Its API requires one (`category`)
   * and a brand names its channels itself. https://www.reamaze.com/api/post_conversations
   */
  channel?: string | null;
}

export interface TicketRef {
  id: string;
  url: string | null;
  /** The ticket was made without the body (it would have reached the customer): add it as a private note. */
  bodyPending?: boolean;
}

export interface NewTicket {
  /** Our key for the ticket ("waitline-<shop>-<order>"): how a retry finds the ticket an earlier try created. */
  ref: string;
  subject: string;
  requester: { email: string | null; phone: string | null; name: string | null };
  /** Plain text: the first internal note (message we sent, context, recommended action). */
  body: string;
  tags: string[];
}

export interface HelpdeskApi {
  /** The ticket an earlier createTicket made with this ref, or null. */
  findTicket(ref: string): Promise<TicketRef | null>;
  createTicket(ticket: NewTicket): Promise<TicketRef>;
  /** An internal note (never emailed to the customer); reopens the ticket when it was closed/solved. */
  addNote(ticketId: string, body: string): Promise<void>;
  /** Closes (Zendesk: solved; Freshdesk: resolved; Re:amaze: resolved; Gorgias: closed). Idempotent. */
  closeTicket(ticketId: string): Promise<void>;
}

/**
 * Why a call failed, in the kinds the jobs act on:
 * - unauthorized: the key (or login) was refused, or lacks a permission; the merchant must fix it.
 * - not_found: no such account or ticket (a Zendesk ticket closed for good counts: it cannot change again).
 * - rate_limited: try again after `retryAfterMs` when the vendor said.
 * - unavailable: no answer, a 5xx, or an answer that is not the vendor's API; try again later.
 * - refused_address: the address resolves to a private, loopback or metadata address.
 * - rejected: the vendor refused the input (the message says why, briefly), or the settings are incomplete.
 */
export type HelpdeskErrorKind = 'unauthorized' | 'not_found' | 'rate_limited' | 'unavailable' | 'refused_address' | 'rejected';

export class HelpdeskError extends Error {
  constructor(
    readonly kind: HelpdeskErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HelpdeskError';
  }
}

/** How a client reaches the API: the same shape as StoreHttp in server/platforms/store.ts. */
export type HelpdeskHttp = StoreHttp;

type Method = 'GET' | 'POST' | 'PUT';
export interface Answer {
  status: number;
  /** The parsed JSON body; null when empty. */
  json: unknown;
}
/** One request to a vendor's API, by path under its base; statuses in `pass` are answered instead of thrown. */
export type HelpdeskCall = (method: Method, path: string, options?: { body?: unknown; pass?: number[] }) => Promise<Answer>;

export interface CallSetup {
  /** The vendor's name, for messages. */
  vendor: string;
  subdomain: string;
  /** https://{subdomain}.<vendor host>/<api root>, or the configured origin plus the root. */
  base: string;
  /** null: the account lacks the login email the vendor pairs with the key. */
  authorization: string | null;
  /** The short reason in the vendor's error body, if any; never the whole body. */
  reason(json: unknown): string | null;
}

/** HTTP Basic, as all four vendors take their API keys. */
export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Retry-After in seconds (the form every one of the four sends), as ms; undefined when absent or a date. */
function retryAfterMs(headers: Record<string, string>): number | undefined {
  const raw = headers['retry-after'];
  const seconds = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function parse(body: string): unknown {
  if (!body.trim()) return null;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Cuts a vendor's reason to one short line. */
export const brief = (text: unknown): string | null => (typeof text === 'string' && text.trim() ? text.trim().replace(/\s+/g, ' ').slice(0, 160) : null);

/**
 * One try per call: the job that calls the client owns retries and backoff (and keeps the escalation
 * visible meanwhile), so a 429 or 5xx is thrown at once with what the vendor said.
 */
export function helpdeskCall(http: HelpdeskHttp, setup: CallSetup): HelpdeskCall {
  const headers = { Accept: 'application/json', 'User-Agent': 'Waitline', Authorization: setup.authorization ?? '' };
  return async (method, path, options = {}) => {
    if (setup.authorization === null) throw new HelpdeskError('unauthorized', `${setup.vendor} takes the API key with the agent login email it belongs to; none is set`);
    // Checked on every call, so the key never goes to a host another subdomain would name.
    if (!SUBDOMAIN.test(setup.subdomain)) throw new HelpdeskError('rejected', `A ${setup.vendor} subdomain is one lowercase name of letters, digits and hyphens (acme in acme.${setup.vendor.toLowerCase()}…)`);
    const init = options.body === undefined ? { method, headers } : { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(options.body) };
    let answer: Awaited<ReturnType<HelpdeskHttp>>;
    try {
      answer = await http(setup.base + path, init);
    } catch (error) {
      if (error instanceof StoreError && error.kind === 'refused_address') throw new HelpdeskError('refused_address', error.message);
      throw new HelpdeskError('unavailable', `${setup.vendor} did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { status } = answer;
    const json = parse(answer.body);
    if ((status >= 200 && status < 300) || options.pass?.includes(status)) {
      if (json === undefined) throw new HelpdeskError('unavailable', `${setup.vendor} answered ${status} with something that is not JSON`);
      return { status, json };
    }
    const why = json ? setup.reason(json) : null;
    const said = why ? `: ${why}` : '';
    if (status === 401 || status === 403) throw new HelpdeskError('unauthorized', `${setup.vendor} refused the API key (${status})${said}; check the key, the login email and the agent's role`);
    if (status === 404) throw new HelpdeskError('not_found', `${setup.vendor} has no such account or ticket (404)${said}`);
    if (status === 429) {
      const wait = retryAfterMs(answer.headers);
      throw new HelpdeskError('rate_limited', `${setup.vendor} is rate limiting requests (429)${wait === undefined ? '' : `; retry after ${wait / 1000} s`}`, wait);
    }
    if (status >= 500) throw new HelpdeskError('unavailable', `${setup.vendor} answered ${status}; try again later`);
    throw new HelpdeskError('rejected', `${setup.vendor} refused the request (${status})${said}`);
  };
}

/** A ticket id a vendor forms as a number; anything else never reaches a path. */
export function numericId(vendor: string, id: string): string {
  if (!/^\d{1,20}$/.test(id)) throw new HelpdeskError('rejected', `A ${vendor} ticket id is a number`);
  return id;
}

/** A plain object field, for reading answers without trusting their shape. */
export const field = (value: unknown, key: string): unknown => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);

/** The id in an answer, as a string; an answer without one is not the vendor's API. */
export function idOf(vendor: string, value: unknown, key = 'id'): string {
  const id = field(value, key);
  if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '')) return String(id);
  throw new HelpdeskError('unavailable', `${vendor} answered without a ticket ${key}`);
}
