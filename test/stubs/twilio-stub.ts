import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A local Twilio Messages API for the real SDK, reached through TWILIO_API_URL. */

interface Fixture {
  _status: number;
  body: Record<string, unknown>;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../e2e/fixtures/api-responses/${name}`, import.meta.url), 'utf8')) as Fixture;

const CREATED = fixture('twilio.messages.create.201.json');
const UNSUBSCRIBED = fixture('twilio.messages.create.400-21610-unsubscribed.json');
const TOO_MANY = fixture('twilio.429-20429.json');
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]+)\/Messages\.json$/;

export interface TwilioStubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form fields, decoded. */
  body: Record<string, string>;
}

export interface TwilioStubOptions {
  /** When set, Basic auth must carry exactly this token (the user is always the path's sid). */
  authToken?: string;
  /** Numbers that have texted STOP: sending to them answers 21610. */
  optedOut?: Iterable<string>;
  /** Answer the first n requests 500. */
  failFirst?: number;
  /** Answer the first n requests 429 / 20429 (after any failFirst). */
  throttleFirst?: number;
  /** Accept the first n messages, then drop the connection instead of answering (the answer is lost). */
  loseAnswers?: number;
}

export interface TwilioStub {
  url: string;
  requests: TwilioStubRequest[];
  /** Every message accepted, oldest first, as the list endpoint returns them (newest first). */
  messages: Array<Record<string, unknown>>;
  /** Accepted messages, by the `To` number. */
  sentTo(number: string): number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  /** Drop the connection instead of answering. */
  lost?: boolean;
}

export async function startTwilioStub(opts: TwilioStubOptions = {}): Promise<TwilioStub> {
  const requests: TwilioStubRequest[] = [];
  const accepted = new Map<string, number>();
  const messages: Array<Record<string, unknown>> = [];
  let answersToLose = opts.loseAnswers ?? 0;
  const optedOut = new Set(opts.optedOut ?? []);
  const failFirst = opts.failFirst ?? 0;
  const throttleUntil = failFirst + (opts.throttleFirst ?? 0);

  function handle(req: IncomingMessage, raw: string): Reply {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const form = Object.fromEntries(new URLSearchParams(raw));
    requests.push({ method: req.method ?? '', path, headers: req.headers, body: form });

    const sid = MESSAGES_PATH.exec(path)?.[1];
    if (!sid || (req.method !== 'POST' && req.method !== 'GET')) return twilioError(404, 20404, 'The requested resource was not found');
    if (!authorized(req.headers.authorization, sid, opts.authToken)) return twilioError(401, 20003, 'Authenticate');
    if (req.method === 'GET') return list(sid, new URL(req.url ?? '/', 'http://stub').searchParams);
    if (requests.length <= failFirst) return twilioError(500, 20500, 'Internal Server Error');
    if (requests.length <= throttleUntil) return { status: TOO_MANY._status, body: TOO_MANY.body };

    if (!form.To) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!form.Body && !form.MediaUrl) return twilioError(400, 21602, 'Message body is required.');
    if (!form.From && !form.MessagingServiceSid) {
      return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message");
    }
    if (optedOut.has(form.To)) return { status: UNSUBSCRIBED._status, body: UNSUBSCRIBED.body };

    accepted.set(form.To, (accepted.get(form.To) ?? 0) + 1);
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const base = `/2010-04-01/Accounts/${sid}/Messages/${messageSid}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const message = {
      ...CREATED.body,
      account_sid: sid,
      sid: messageSid,
      to: form.To,
      from: form.From ?? null,
      body: form.Body ?? '',
      messaging_service_sid: form.MessagingServiceSid ?? null,
      status: form.MessagingServiceSid ? 'accepted' : 'queued',
      date_created: now,
      date_updated: now,
      uri: `${base}.json`,
      subresource_uris: { media: `${base}/Media.json` },
    };
    messages.push(message);
    if (answersToLose > 0) {
      answersToLose -= 1;
      return { status: 0, body: null, lost: true };
    }
    return { status: 201, body: message };
  }

  /** GET Messages.json: newest first, filtered by To, one page. */
  function list(sid: string, query: URLSearchParams): Reply {
    const to = query.get('To');
    const size = Number(query.get('PageSize') ?? 50);
    const found = messages.filter((m) => !to || m.to === to).reverse().slice(0, size);
    const uri = `/2010-04-01/Accounts/${sid}/Messages.json?${query}`;
    return {
      status: 200,
      body: { messages: found, start: 0, end: Math.max(0, found.length - 1), page: 0, page_size: size, uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null },
    };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = handle(req, Buffer.concat(chunks).toString('utf8'));
      if (reply.lost) return void req.socket.destroy();
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    sentTo: (number) => accepted.get(number) ?? 0,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function twilioError(status: number, code: number, message: string): Reply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function authorized(header: string | undefined, sid: string, token: string | undefined): boolean {
  const encoded = /^Basic (.+)$/.exec(header ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, pass] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return colon > 0 && user === sid && pass !== '' && (token === undefined || pass === token);
}
