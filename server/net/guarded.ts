import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createConnection, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { addressAllowed, bareHost, hostRefused } from './addresses.ts';

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;
/** Opens the TCP connection to an address already checked; TLS, if any, is layered on top. */
export type Connector = (to: { host: string; port: number }) => Socket;

/** How we reach the outside: injected so tests choose what a name resolves to and watch every socket. */
export interface OutboundNet {
  resolve: Resolver;
  connect: Connector;
}

export const systemNet: OutboundNet = {
  resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
  connect: ({ host, port }) => createConnection({ host, port }),
};

/** A failure told in a few generic words: what the far end said stays out of our logs. */
export class OutboundError extends Error {}

export const DELIVERY_TIMEOUT_MS = 5000;

export interface GuardedRequest {
  method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Bytes of the answer to read; 0 reads none (webhooks need only the status). */
  maxBody?: number;
  /**
   * Hands a 2xx body to the caller chunk by chunk instead of buffering it (the answer's `body` is then
   * ''), still at most `maxBody` bytes in all (so set it). The stream pauses while a returned promise is pending,
   * and a chunk the caller throws on ends the request with the caller's own error.
   */
  onData?: (chunk: Buffer) => void | Promise<void>;
}

/** What came back: header names lower-cased, repeated headers joined with ", " as fetch joins them. */
export interface GuardedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP request to a URL someone else gave us. Every call resolves the name
 * afresh, refuses if any address it resolves to is closed (loopback, private,
 * link-local, metadata), then connects to exactly the address it checked, so
 * a name that rebinds between the check and the connection cannot redirect
 * it. Redirects are never followed: the caller sees the 3xx status. Every
 * answer brings its headers, and its body up to `maxBody` bytes whatever its
 * status, so a caller can honour a 429's Retry-After or read why a 400 refused.
 * The whole exchange, lookup included, has one deadline.
 */
export async function guardedRequest(net: OutboundNet, url: string, req: GuardedRequest): Promise<GuardedAnswer> {
  const timeoutMs = req.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutboundError('timed out')), timeoutMs);
  });
  const abort = new AbortController();
  try {
    const target = await Promise.race([pick(net, url, req.allowPrivate), deadline]);
    return await Promise.race([exchange(net, target, req, abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

interface Target {
  url: URL;
  name: string;
  address: string;
}

async function pick(net: OutboundNet, raw: string, allowPrivate: boolean): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('invalid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError('invalid URL');
  if (url.username || url.password) throw new OutboundError('invalid URL');
  const name = bareHost(url.hostname);
  if (hostRefused(name, allowPrivate)) throw new OutboundError('address not allowed');
  if (isIP(name)) return { url, name, address: name };
  let addresses: Array<{ address: string }>;
  try {
    addresses = await net.resolve(name);
  } catch {
    throw new OutboundError('name did not resolve');
  }
  if (addresses.length === 0) throw new OutboundError('name did not resolve');
  // One closed address is enough to refuse: a name that mixes public and private answers is not trusted.
  if (addresses.some((a) => !addressAllowed(a.address, allowPrivate))) throw new OutboundError('address not allowed');
  return { url, name, address: addresses[0]!.address };
}

function exchange(net: OutboundNet, target: Target, req: GuardedRequest, signal: AbortSignal): Promise<GuardedAnswer> {
  const { url, name, address } = target;
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(error instanceof OutboundError ? error : new OutboundError(describe(error)));
    const request = httpRequest({
      method: req.method,
      host: name,
      port,
      path: `${url.pathname}${url.search}`,
      headers: { ...req.headers, host: url.host, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
      signal,
      // No agent: a fresh connection to the checked address every time.
      createConnection: () => {
        const socket = net.connect({ host: address, port });
        return https ? tlsConnect({ socket, host: name, servername: isIP(name) ? undefined : name, ALPNProtocols: ['http/1.1'] }) : socket;
      },
    });
    request.on('error', fail);
    request.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const headers = headersOf(res);
      const max = req.maxBody ?? 0;
      if (max === 0) {
        res.destroy();
        return resolve({ status, headers, body: '' });
      }
      // A 2xx answer past the limit is an error; an error answer past it is cut short, because its
      // status (and a 429's Retry-After) is the news and the body only explains it.
      const ok = status >= 200 && status < 300;
      if (ok && req.onData) return stream(res, req.onData, max, () => resolve({ status, headers, body: '' }), reject);
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        if (size + chunk.length > max) {
          if (ok) return res.destroy(new OutboundError('answer too large'));
          chunks.push(chunk.subarray(0, max - size));
          res.destroy();
          return done();
        }
        size += chunk.length;
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', done);
    });
    request.end(req.body);
  });
}

/**
 * A 2xx body to `onData`, one chunk at a time: past `max` bytes in all it is an error, as when buffering.
 * The answer resolves only once the last chunk's promise has settled.
 */
function stream(res: IncomingMessage, onData: (chunk: Buffer) => void | Promise<void>, max: number, done: () => void, reject: (error: unknown) => void) {
  let size = 0;
  let failed = false;
  let last: Promise<void> = Promise.resolve();
  const stop = (error: unknown) => {
    if (failed) return;
    failed = true;
    res.destroy();
    reject(error);
  };
  res.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > max) return stop(new OutboundError('answer too large'));
    try {
      const pending = onData(chunk);
      if (!pending) return;
      res.pause();
      last = pending.then(() => void (failed || res.resume()));
      void last.catch(stop);
    } catch (error) {
      stop(error);
    }
  });
  res.on('error', (error) => stop(error instanceof OutboundError ? error : new OutboundError(describe(error))));
  res.on('end', () => last.then(() => failed || done(), stop));
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Socket and TLS errors in words that reveal nothing of the far end. */
function describe(error: unknown): string {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'timed out';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'address unreachable';
  if (/CERT|TLS|SSL|SELF_SIGNED/.test(code)) return 'TLS handshake failed';
  return 'connection failed';
}

/** A delivery's outcome in the log's words: 2xx is success, a redirect is not followed, anything else is its status. */
export function answerError(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return 'redirects are not followed';
  return `answered ${status}`;
}
