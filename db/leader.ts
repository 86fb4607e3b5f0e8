import { createHash } from 'node:crypto';
import pg from 'pg';
import { engineOf } from './engine.ts';
import type { Db } from './index.ts';

/**
 * Who dispatches for a provider account. A provider's rate limit counts per
 * account, so on PostgreSQL one replica at a time sends through it: the one
 * holding the account's session advisory lock, on a connection of its own kept
 * open. The lock lives as long as that session: a replica that dies (even
 * SIGKILL) drops its connection and PostgreSQL frees the lock; the others try
 * to take it every `retryMs`. A holder whose lock connection fails stops at
 * once (`signal` aborts): it cannot know whether another holds the lock now.
 * Batches it had leased are re-sent whole by the next holder when their lease
 * lapses, under the same idempotency key.
 *
 * On SQLite there is one machine and every process may dispatch: claims are
 * exclusive already, and the pacer of each process is the machine's.
 */
export interface Leadership {
  /** Whether this process dispatches for `account` now: it holds the lock, or just took it (tried at most once per retryMs). */
  leads(account: string): Promise<boolean>;
  /** Aborted the moment this process stops leading `account`. */
  signal(account: string): AbortSignal;
  /** Gives every lock up (its connection closes); nothing leads after. */
  close(): Promise<void>;
}

export interface LeadershipOptions {
  /** How often a replica that does not lead tries again, and how often the holder checks its connection. */
  retryMs: number;
  /**
   * How long a new holder waits before its first send: the holder before it
   * (killed, its lock freed at once) may have sent its last requests just now,
   * and a provider counting per second would answer both 429.
   */
  takeoverMs: number;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** Every process leads: SQLite, and callers that dispatch on their own (tests, benches). */
export const everyoneLeads: Leadership = {
  leads: async () => true,
  signal: () => new AbortController().signal,
  close: async () => {},
};

export function createLeadership(db: Db, options: LeadershipOptions): Leadership {
  if (engineOf(db) === 'sqlite') return everyoneLeads;
  return pgLeadership((db.$client as unknown as pg.Pool).options, options);
}

/** The advisory lock namespace of dispatchers ('WL' and 2); signup sequences use 1. */
const DISPATCH_LOCKS = 0x574c0002;

/** The lock's second key: 32 bits of a hash of the account (itself a hash: no secret reaches the database). */
const lockKey = (account: string) => createHash('sha256').update(account).digest().readInt32BE(0);

interface Seat {
  client: pg.Client | null;
  held: boolean;
  /** When a newly taken lock may start sending. */
  sendsFrom: number;
  triedAt: number;
  trying: Promise<boolean> | null;
  lost: AbortController;
  heartbeat: NodeJS.Timeout | null;
}

function pgLeadership(connection: pg.ClientConfig, { retryMs, takeoverMs, now, log }: LeadershipOptions): Leadership {
  const seats = new Map<string, Seat>();
  let closed = false;
  const seatOf = (account: string) => {
    let seat = seats.get(account);
    if (!seat) seats.set(account, (seat = { client: null, held: false, sendsFrom: 0, triedAt: -Infinity, trying: null, lost: new AbortController(), heartbeat: null }));
    return seat;
  };

  /** Drops the connection (and so the lock); a holder stops sending first. */
  function standDown(account: string, seat: Seat, why: string) {
    if (seat.held) log('stopped dispatching for a provider account', { account, why });
    seat.held = false;
    seat.lost.abort();
    if (seat.heartbeat) clearInterval(seat.heartbeat);
    seat.heartbeat = null;
    const client = seat.client;
    seat.client = null;
    seat.triedAt = now();
    void client?.end().catch(() => {});
  }

  async function connect(account: string, seat: Seat): Promise<pg.Client> {
    // A query unanswered for a retry period means a lost connection: give the lock up rather than send blind.
    const client = new pg.Client({ ...connection, keepAlive: true, query_timeout: retryMs, application_name: 'waitline-dispatch-lock' });
    client.on('error', (error) => {
      if (seat.client === client) standDown(account, seat, error.message);
    });
    client.on('end', () => {
      if (seat.client === client) standDown(account, seat, 'lock connection closed');
    });
    await client.connect();
    return client;
  }

  async function tryTake(account: string, seat: Seat): Promise<boolean> {
    seat.triedAt = now();
    try {
      seat.client ??= await connect(account, seat);
      const client = seat.client;
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [DISPATCH_LOCKS, lockKey(account)]);
      if (!rows[0]?.ok || seat.client !== client || closed) return false;
      seat.held = true;
      seat.sendsFrom = now() + takeoverMs;
      seat.lost = new AbortController();
      seat.heartbeat = setInterval(() => {
        void client.query('select 1').catch((error: Error) => seat.client === client && standDown(account, seat, error.message));
      }, retryMs);
      seat.heartbeat.unref();
      log('dispatching for a provider account', { account });
      return true;
    } catch (error) {
      standDown(account, seat, error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  return {
    async leads(account) {
      const seat = seatOf(account);
      if (!seat.held && !closed && now() - seat.triedAt >= retryMs) {
        seat.trying ??= tryTake(account, seat).finally(() => (seat.trying = null));
        await seat.trying;
      }
      return seat.held && now() >= seat.sendsFrom;
    },
    signal: (account) => seatOf(account).lost.signal,
    async close() {
      closed = true;
      const ending = [...seats.values()].map((seat) => seat.client);
      for (const [account, seat] of seats) standDown(account, seat, 'closing');
      await Promise.all(ending.map((client) => client?.end().catch(() => {})));
    },
  };
}
