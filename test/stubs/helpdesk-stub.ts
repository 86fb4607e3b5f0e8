import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The server the four helpdesk stubs share: records every request, answers `failFirst` 503s and then
 * `rateLimitFirst` 429s (with Retry-After) before any real answer, checks the auth header as the vendor
 * does, then routes. Each vendor stub gives its own error shapes and routes.
 */

export interface HelpdeskStubOptions {
  /** Answer the first n requests 503 (the vendor's 5xx). */
  failFirst?: number;
  /** Then answer the next n requests 429 with Retry-After: `retryAfter` seconds (default 7). */
  rateLimitFirst?: number;
  retryAfter?: number;
}

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HelpdeskStubBase {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export interface VendorSetup {
  /** The Authorization header the vendor accepts (exactly). */
  authorization: () => string;
  unauthorized: Reply;
  failure: (status: 503 | 429) => Reply;
  notFound: Reply;
  route(request: StubRequest): Reply | null;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function startHelpdeskServer(options: HelpdeskStubOptions, vendor: VendorSetup): Promise<HelpdeskStubBase> {
  const requests: StubRequest[] = [];
  let failures = options.failFirst ?? 0;
  let limits = options.rateLimitFirst ?? 0;

  const reply = (request: StubRequest): Reply => {
    if (failures > 0) return failures--, vendor.failure(503);
    if (limits > 0) {
      limits--;
      const r = vendor.failure(429);
      return { ...r, headers: { ...r.headers, 'Retry-After': String(options.retryAfter ?? 7) } };
    }
    if (request.headers.authorization !== vendor.authorization()) return vendor.unauthorized;
    return vendor.route(request) ?? vendor.notFound;
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(request);
      const r = reply(request);
      const json = r.body === undefined ? '' : JSON.stringify(r.body);
      res.writeHead(r.status, { ...(json ? { 'Content-Type': 'application/json' } : {}), ...r.headers }).end(json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
