import pg from 'pg';
import { engineOf } from './engine.ts';
import type { Db } from './index.ts';

/** A payload as sent, or `null`: the connection was lost and has come back, so anything may have been missed. */
export type NotificationHandler = (payload: string | null) => void;

export interface Listener {
  /** Resolves once the channel is listened to (or the connection is down: it is listened to again on reconnecting). Never rejects. */
  listen(channel: string, handler: NotificationHandler): Promise<void>;
  /**
   * Runs a query on the listening connection itself. PostgreSQL delivers a
   * session the notifications of every transaction that committed before its
   * query ends ahead of that query's answer, so when this resolves every
   * earlier commit's notification has been handed to the handlers. Rejects at
   * once while the connection is down (or not yet up).
   */
  query<T extends pg.QueryResultRow>(text: string): Promise<T[]>;
  close(): Promise<void>;
}

export interface ListenerOptions {
  /** First wait before reconnecting; it doubles on every failed try, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The LISTEN connection's `application_name`. */
export const LISTENER_NAME = 'waitline listen';

const listeners = new WeakMap<pg.Pool, Listener>();

/**
 * The process's LISTEN connection for a PostgreSQL handle: one per pool,
 * opened at the first call and closed with the pool (its `end()` closes it
 * first), so whoever ends the pool leaks nothing. Null on SQLite, and for a
 * transaction's handle (its client is not the pool). `options` count at the
 * first call; a later `log` replaces the first (the server's own log wins over
 * the default).
 */
export function listenerOf(db: Db, options: ListenerOptions = {}): Listener | null {
  const pool = poolOf(db);
  if (!pool) return null;
  let listener = listeners.get(pool);
  if (!listener) {
    listener = openListener(pool.options, options);
    listeners.set(pool, listener);
    const end = pool.end.bind(pool);
    const opened = listener;
    pool.end = (async () => {
      await opened.close();
      return end();
    }) as typeof pool.end;
  } else if (options.log) {
    (listener as Listener & { log: ListenerOptions['log'] }).log = options.log;
  }
  return listener;
}

/** `pg_notify` through the pool: delivered when its (one-statement) transaction commits. */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  const pool = poolOf(db);
  if (pool) await pool.query('select pg_notify($1, $2)', [channel, payload]);
}

/** Each connection's latest query, settled either way: the next one is sent after it. */
const latest = new WeakMap<pg.Client, Promise<unknown>>();

/**
 * `client.query(text)`, sent once the connection's previous query has been
 * answered. pg queues a query sent while another runs, but warns that pg 9
 * will not; and on the LISTEN connection a starting process's LISTENs and its
 * first change polls (db/changes.ts) do arrive together.
 */
function queryInTurn<T extends pg.QueryResultRow>(client: pg.Client, text: string): Promise<pg.QueryResult<T>> {
  const sent = (latest.get(client) ?? Promise.resolve()).then(() => client.query<T>(text));
  latest.set(client, sent.catch(() => {}));
  return sent;
}

function poolOf(db: Db): pg.Pool | null {
  if (engineOf(db) !== 'pg') return null;
  const client = db.$client as unknown;
  return client instanceof pg.Pool ? client : null;
}

/**
 * A dedicated pg.Client (not a pooled one: a pool may hand the same client to
 * a transaction, which would hold notifications back until it ends), made from
 * the pool's own options. When the connection drops it is logged and opened
 * again with backoff; once back, every channel is listened to again and every
 * handler is called with `null`, since notifications sent meanwhile are lost.
 */
function openListener(poolOptions: pg.PoolOptions, options: ListenerOptions): Listener {
  const firstBackoff = options.backoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const handlers = new Map<string, NotificationHandler[]>();
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let wakeRetry: (() => void) | null = null;
  let client: pg.Client | null = null;

  const self = {
    log: options.log ?? ((message: string, fields?: Record<string, unknown>) => console.error(JSON.stringify({ message, ...fields }))),
  } as { log: NonNullable<ListenerOptions['log']> };

  const tellAll = (channel: string, payload: string | null) => {
    for (const handler of handlers.get(channel) ?? []) {
      // A handler's failure is its own: it must not reach the connection's message loop.
      try {
        handler(payload);
      } catch (error) {
        self.log('listen: a handler failed', { channel, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };

  async function connect(): Promise<pg.Client> {
    const { max: _max, idleTimeoutMillis: _idle, ...connection } = poolOptions as pg.PoolConfig;
    // Named, so an operator (or a test) can tell it in pg_stat_activity. Keepalive: a connection that only
    // listens sends nothing, and one whose peer vanished without a word would otherwise wait forever.
    const next = new pg.Client({ ...connection, application_name: LISTENER_NAME, keepAlive: true });
    // Heard here, so a dropped connection never crashes the process; 'end' follows and reconnects.
    next.on('error', () => {});
    next.on('notification', (message) => tellAll(message.channel, message.payload ?? ''));
    try {
      await next.connect();
      for (const channel of handlers.keys()) await queryInTurn(next, `listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    next.once('end', () => lost(next));
    return next;
  }

  let ready: Promise<pg.Client> = connect().then(
    (c) => (client = c),
    (error: unknown) => {
      self.log('listen: cannot connect to PostgreSQL, retrying', { error: error instanceof Error ? error.message : String(error) });
      return reconnect();
    },
  );
  void ready.catch(() => {});

  function lost(gone: pg.Client) {
    if (closed || gone !== client) return;
    client = null;
    self.log('listen: connection to PostgreSQL lost, reconnecting');
    ready = reconnect();
    // Nobody may be waiting on it: a failure here is retried inside reconnect.
    void ready.catch(() => {});
  }

  async function reconnect(): Promise<pg.Client> {
    for (let wait = firstBackoff, attempt = 1; ; wait = Math.min(wait * 2, maxBackoff), attempt++) {
      await new Promise<void>((resolve) => {
        wakeRetry = resolve;
        retry = setTimeout(resolve, wait);
      });
      retry = null;
      wakeRetry = null;
      if (closed) throw new Error('listener closed');
      try {
        client = await connect();
        self.log('listen: reconnected', { attempt });
        for (const channel of handlers.keys()) tellAll(channel, null);
        return client;
      } catch (error) {
        if (closed) throw new Error('listener closed');
        self.log('listen: reconnect failed', { attempt, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  return Object.assign(self, {
    async listen(channel: string, handler: NotificationHandler) {
      const known = handlers.get(channel);
      if (known) {
        known.push(handler);
        return;
      }
      handlers.set(channel, [handler]);
      const c = await ready.catch(() => null);
      // A reconnect in between listened to it already, as to every known channel; a connection
      // lost (or closed) under this LISTEN is opened again with it, or was meant to end.
      if (c && c === client) await queryInTurn(c, `listen ${pg.escapeIdentifier(channel)}`).catch(() => {});
    },
    async query<T extends pg.QueryResultRow>(text: string) {
      // Never waits for a reconnect: a caller that must answer now treats this as "cannot tell".
      if (!client) throw new Error('listen: not connected');
      return (await queryInTurn<T>(client, text)).rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      wakeRetry?.();
      const c = await ready.catch(() => null);
      if (c) await c.end().catch(() => {});
      client = null;
    },
  });
}
