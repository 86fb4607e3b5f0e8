import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the test PostgreSQL server, to take the database
 * away from a running app and give it back: `cut()` drops every connection
 * and refuses new ones (as a crashed or restarting server would), `restore()`
 * listens again on the same port. `cutWhen(text)` drops every connection the
 * moment a client sends a query containing `text`, mid-transaction.
 */
export interface PgProxy {
  port: number;
  /** `url` (a database on the real server) rewritten to go through the proxy. */
  via(url: string): string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  cutWhen(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function pgProxy(targetPort: number): Promise<PgProxy> {
  const sockets = new Set<Socket>();
  let trigger: { text: string; fired: () => void } | null = null;
  let server: Server;
  let port = 0;

  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const onClient = (client: Socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => dropAll());
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk: Buffer) => {
      if (trigger && chunk.includes(trigger.text)) {
        const { fired } = trigger;
        trigger = null;
        dropAll();
        fired();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onClient);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      dropAll();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    via: (url) => {
      const parsed = new URL(url);
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: stop,
    restore: listen,
    cutWhen: (text) => new Promise<void>((resolve) => (trigger = { text, fired: resolve })),
    close: stop,
  };
}
