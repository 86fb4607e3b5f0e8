import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createConnection, isIP, type AddressInfo } from 'node:net';
import type { OutboundNet } from '../../server/net/guarded.ts';

/**
 * An injected resolver and connector. Names resolve only to what the test
 * says; every socket the client asks for is recorded, and only 127.0.0.0/8 is
 * ever really dialled, so a broken guard still sends no packet elsewhere.
 */
export function testNet(answers: Record<string, string[] | (() => string[])>) {
  const lookups: string[] = [];
  const connects: Array<{ host: string; port: number }> = [];
  const net: OutboundNet = {
    resolve: async (name) => {
      lookups.push(name);
      const answer = answers[name];
      if (!answer) throw Object.assign(new Error(`no test answer for ${name}`), { code: 'ENOTFOUND' });
      return (typeof answer === 'function' ? answer() : answer).map((address) => ({ address, family: isIP(address) }));
    },
    connect: (to) => {
      connects.push(to);
      if (!to.host.startsWith('127.')) throw new Error(`test connector: ${to.host} is outside 127.0.0.0/8`);
      return createConnection(to);
    },
  };
  return { net, lookups, connects };
}

export interface LocalEndpoint {
  server: Server;
  port: number;
  /** TCP connections accepted, whatever came of them. */
  connections: number;
  requests: Array<{ url: string; host: string; body: string }>;
  close(): Promise<void>;
}

/** A local endpoint on 127.0.0.1 that answers as `respond` says (or never, if it does not end the response). */
export async function localEndpoint(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalEndpoint> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      endpoint.requests.push({ url: req.url ?? '', host: req.headers.host ?? '', body });
      respond(req, res);
    });
  });
  const endpoint: LocalEndpoint = {
    server,
    port: 0,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  server.on('connection', () => endpoint.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint.port = (server.address() as AddressInfo).port;
  return endpoint;
}
