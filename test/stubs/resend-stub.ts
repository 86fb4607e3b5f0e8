import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A local Resend: enough of its API, idempotency and rate limit for the real SDK. */

interface Fixture {
  _status: number;
  _headers?: Record<string, string>;
  body: unknown;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../e2e/fixtures/api-responses/${name}`, import.meta.url), 'utf8')) as Fixture;

const TOO_MANY = fixture('resend.429.json');
const KEY_REUSED = fixture('resend.409-idempotency.json');
const MISSING_FIELD = fixture('resend.422-missing-required-field.json');
const DAY_MS = 24 * 60 * 60_000;
const MAX_BATCH = 100;

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ResendStubOptions {
  /** Requests admitted per sliding second; unlimited when absent. */
  rps?: number;
  /** Answer the first n requests 500. */
  failFirst?: number;
  /** Record requests, then never answer. */
  hang?: boolean;
  /** Accept and deliver, then never answer: the sender cannot know it worked. */
  stall?: boolean;
  /** Answer the first n accepted requests, then stall every later one (a crash test's kill point). */
  stallAfter?: number;
  /**
   * The round trip to this provider, in ms: half of it passes before a request
   * counts as arrived (its place in the rate window), the other half before its
   * answer leaves. Absent or 0: answered at once, as before.
   */
  rttMs?: number;
}

export interface ResendStub {
  url: string;
  requests: StubRequest[];
  /** `${idempotencyKey}|${recipient}` → accepted, non-replayed sends. */
  deliveries: Map<string, number>;
  sentTo(recipient: string): number;
  /** Recipient → accepted, non-replayed sends: the exactly-once count, O(1) per recipient. */
  recipients: Map<string, number>;
  /** Provider id we answered → its recipient, to check what the sender recorded. */
  providerIds: Map<string, string>;
  /** Arrival time and size of every accepted, non-replayed request (a replay is not a new send). */
  accepted: Array<{ at: number; emails: number }>;
  /** Accepted requests the stub never answered. */
  readonly stalled: number;
  readonly count429: number;
  /** The live options: flip `hang` or `stall` mid-test. */
  options: ResendStubOptions;
  /**
   * Takes an email into the stub's inbox, as Resend's receiving does, and
   * returns what its `email.received` webhook carries: the body is read back
   * through `GET /emails/receiving/:id` (the SDK's `emails.receiving.get`).
   */
  receive(email: InboundEmail): ReceivedEvent;
  close(): Promise<void>;
}

export interface InboundEmail {
  from: string;
  to: string[];
  subject: string;
  text?: string | null;
  html?: string | null;
}

/** The `data` of an `email.received` event (the SDK's ReceivedEmailEventData). */
export interface ReceivedEvent {
  email_id: string;
  created_at: string;
  from: string;
  to: string[];
  bcc: string[];
  cc: string[];
  received_for: string[];
  message_id: string;
  subject: string;
  attachments: [];
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

interface Remembered {
  fingerprint: string;
  reply: Reply;
  at: number;
}

export async function startResendStub(opts: ResendStubOptions = {}): Promise<ResendStub> {
  const requests: StubRequest[] = [];
  const deliveries = new Map<string, number>();
  const recipients = new Map<string, number>();
  const providerIds = new Map<string, string>();
  const accepted: Array<{ at: number; emails: number }> = [];
  let stalled = 0;
  const idempotent = new Map<string, Remembered>();
  let admitted: number[] = [];
  let count429 = 0;
  const inbox = new Map<string, Record<string, unknown>>();

  function handle(req: IncomingMessage, raw: string, now: number): Reply | null {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = parseJson(raw);
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (opts.hang) return null;
    if (requests.length <= (opts.failFirst ?? 0)) {
      return error(500, 'internal_server_error', 'An unexpected error occurred.');
    }

    // Resend limits per team over a sliding second; a rejected request does not use a slot.
    admitted = admitted.filter((t) => now - t < 1000);
    if (opts.rps !== undefined && admitted.length >= opts.rps) {
      count429 += 1;
      const limits = rateLimitHeaders(opts.rps, admitted, now);
      return { status: TOO_MANY._status, headers: { ...TOO_MANY._headers, ...limits, 'retry-after': limits['ratelimit-reset']! }, body: TOO_MANY.body };
    }
    admitted.push(now);
    const limits = opts.rps === undefined ? {} : rateLimitHeaders(opts.rps, admitted, now);
    const reply = answer(req, path, raw, body, now);
    return reply && { ...reply, headers: { ...limits, ...reply.headers } };
  }

  /** An admitted request's answer (null: never answered), before the rate-limit headers every answer carries. */
  function answer(req: IncomingMessage, path: string, raw: string, body: unknown, now: number): Reply | null {
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    const received = /^\/emails\/receiving\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && received) {
      const email = inbox.get(decodeURIComponent(received[1]!));
      return email ? { status: 200, body: email } : error(404, 'not_found', 'Email not found');
    }
    if (req.method !== 'POST' || (path !== '/emails' && path !== '/emails/batch')) return error(404, 'not_found', 'Not found.');

    const key = header(req.headers, 'idempotency-key');
    const fingerprint = `${path}\n${raw}`;
    const seen = key ? idempotent.get(key) : undefined;
    if (seen && now - seen.at < DAY_MS) {
      if (seen.fingerprint !== fingerprint) return { status: KEY_REUSED._status, body: KEY_REUSED.body };
      return seen.reply; // A replay: the first answer again, and no second delivery.
    }

    const emails = path === '/emails' ? [body] : body;
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > MAX_BATCH) {
      return error(422, 'validation_error', `The batch must contain between 1 and ${MAX_BATCH} emails.`);
    }
    for (const email of emails) {
      const missing = missingField(email);
      if (missing) return { status: 422, body: { ...(MISSING_FIELD.body as object), message: `Missing \`${missing}\` field.` } };
    }

    const ids = emails.map(() => randomUUID());
    (emails as Array<{ to: string | string[] }>).forEach((email, i) => {
      for (const to of [email.to].flat()) {
        const slot = `${key ?? ''}|${to}`;
        deliveries.set(slot, (deliveries.get(slot) ?? 0) + 1);
        recipients.set(to, (recipients.get(to) ?? 0) + 1);
        providerIds.set(ids[i]!, to);
      }
    });
    accepted.push({ at: now, emails: emails.length });
    const reply: Reply = { status: 200, body: path === '/emails' ? { id: ids[0] } : { data: ids.map((id) => ({ id })) } };
    // Only accepted requests are remembered, so a retry after 429/500 is sent for real.
    if (key) idempotent.set(key, { fingerprint, reply, at: now });
    if (opts.stall || (opts.stallAfter !== undefined && accepted.length > opts.stallAfter)) {
      stalled += 1;
      return null;
    }
    return reply;
  }

  const later = (work: () => void) => {
    const halfTrip = (opts.rttMs ?? 0) / 2;
    return halfTrip > 0 ? void setTimeout(work, halfTrip) : work();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // The window counts arrivals, as the provider sees them, not when the body finished.
    let arrivedAt = Date.now();
    later(() => (arrivedAt = Date.now()));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      later(() => {
        const reply = handle(req, Buffer.concat(chunks).toString('utf8'), arrivedAt);
        if (!reply) return;
        later(() => {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(JSON.stringify(reply.body));
        });
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    deliveries,
    options: opts,
    recipients,
    providerIds,
    accepted,
    sentTo: (recipient) => recipients.get(recipient) ?? 0,
    receive(email) {
      const id = randomUUID();
      const at = new Date().toISOString();
      const messageId = `<${randomUUID()}@mail.example.com>`;
      const data: ReceivedEvent = { email_id: id, created_at: at, from: email.from, to: email.to, bcc: [], cc: [], received_for: email.to, message_id: messageId, subject: email.subject, attachments: [] };
      inbox.set(id, {
        object: 'email', id, to: email.to, from: email.from, created_at: at, subject: email.subject, bcc: null, cc: null, reply_to: null,
        received_for: email.to, html: email.html ?? null, text: email.text ?? null, headers: { 'message-id': messageId }, message_id: messageId, raw: null, attachments: [],
      });
      return data;
    },
    get count429() {
      return count429;
    },
    get stalled() {
      return stalled;
    },
    close() {
      // Hung requests and keep-alive sockets would otherwise hold close() open.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/**
 * Resend's rate-limit headers, on every answer: the limit, what is left of it
 * in the sliding second after this request, and whole seconds until a slot frees.
 */
function rateLimitHeaders(rps: number, admitted: number[], now: number): Record<string, string> {
  const oldest = admitted[0];
  const resetMs = oldest === undefined ? 0 : oldest + 1000 - now;
  return {
    'ratelimit-limit': String(rps),
    'ratelimit-remaining': String(Math.max(0, rps - admitted.length)),
    'ratelimit-reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
  };
}

function error(status: number, name: string, message: string): Reply {
  return { status, body: { statusCode: status, message, name } };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(raw: string): unknown {
  try {
    return raw ? (JSON.parse(raw) as unknown) : undefined;
  } catch {
    return raw;
  }
}

function missingField(email: unknown): string | undefined {
  if (typeof email !== 'object' || email === null) return 'to';
  const e = email as Record<string, unknown>;
  const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  return (['to', 'from', 'subject'] as const).find((f) => empty(e[f]));
}
