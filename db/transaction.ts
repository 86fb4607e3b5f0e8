import type Database from 'better-sqlite3';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { engineOf } from './engine.ts';
import { insideTransaction } from './guard.ts';
import { schema, sqliteWriter, type Db, type Tx } from './index.ts';

/**
 * The one way to write: `await transaction(deps.db, async (tx) => …)`. The
 * body gets the transaction it runs in and passes it to every service it
 * calls; it must not await anything but the database (no provider call, no
 * timer), because writers wait for it, and it may run more than once (below).
 * Every caller is answered after the commit, so nothing is acknowledged
 * before it is durable.
 *
 * SQLite: one writer per process, with group commit. Every body submitted
 * during one turn of the event loop (every request the server read in that
 * turn) runs in one `BEGIN IMMEDIATE … COMMIT` on the writer connection, each
 * under its own savepoint, so a body that throws rolls back alone and the
 * others commit. A commit costs about the pages it writes, and writes made
 * together share most of theirs. IMMEDIATE takes the file's write lock first,
 * so another process sharing the file waits its turn under busy_timeout. If
 * the commit fails, every body in it fails.
 *
 * PostgreSQL: each body in its own `BEGIN … COMMIT` on its own client of the
 * pool, side by side with this process's others and every replica's. What
 * keeps them apart is one lock order (db/sql/pg/locks.ts), so bodies are never
 * batched: one transaction would hold the locks of several bodies, taken in
 * no order. A body PostgreSQL picked as a deadlock's victim, or whose
 * serialization failed, was rolled back whole and runs again, up to 5 times.
 * A lost connection fails its body (nothing of it commits) and the next
 * transaction takes a fresh client.
 */
export function transaction<T>(db: Db, body: (tx: Tx) => Promise<T> | T): Promise<T> {
  if (insideTransaction.has(db.$client)) {
    return Promise.reject(new Error('transaction() inside a transaction: pass the tx you were given instead'));
  }
  return writerFor(db).submit(body as Body) as Promise<T>;
}

type Body = (tx: Tx) => unknown;

interface Work {
  body: Body;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

interface Session {
  tx: Tx;
  exec(statement: string): Promise<void> | void;
  /** False once the engine itself rolled the whole transaction back (a full disk, a lost connection), `error` being the last one. */
  open(error?: unknown): boolean;
  end(error?: unknown): void;
}

interface Writer {
  submit(body: Body): Promise<unknown>;
}

const writers = new WeakMap<Db, Writer>();

function writerFor(db: Db): Writer {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = engineOf(db) === 'sqlite' ? groupCommitter(db, sqliteSession(db)) : sideBySide(db, pgSession(db))));
  return writer;
}

/** SQLite's writer: the bodies of one event-loop turn share a transaction. */
function groupCommitter(db: Db, begin: () => Session): Writer {
  let queue: Work[] = [];
  let running = false;

  async function flush(): Promise<void> {
    running = true;
    const list = queue;
    queue = [];
    try {
      await runBatch(db, begin(), list);
    } catch (error) {
      for (const work of list) work.outcome = { ok: false, error };
    }
    for (const { outcome, resolve, reject } of list) {
      if (outcome?.ok) resolve(outcome.value);
      else reject(outcome?.error ?? new Error('transaction: the body did not run'));
    }
    running = false;
    if (queue.length) setImmediate(flush);
  }

  return {
    submit(body: Body): Promise<unknown> {
      return new Promise((resolve, reject) => {
        // setImmediate runs after the poll phase, so requests read in the same turn share the commit.
        if (queue.length === 0 && !running) setImmediate(flush);
        queue.push({ body, resolve, reject });
      });
    },
  };
}

/** PostgreSQL's writer: every body its own transaction, retried when the server rolled it back to break a deadlock. */
function sideBySide(db: Db, begin: () => Promise<Session>): Writer {
  return {
    async submit(body: Body): Promise<unknown> {
      for (let attempt = 1; ; attempt++) {
        const work: Work = { body, resolve: () => {}, reject: () => {} };
        try {
          await runBatch(db, await begin(), [work]);
        } catch (error) {
          work.outcome = { ok: false, error };
        }
        const outcome = work.outcome ?? { ok: false, error: new Error('transaction: the body did not run') };
        if (outcome.ok) return outcome.value;
        if (attempt >= RETRIES || !rolledBackToRetry(outcome.error)) throw outcome.error;
        // Both sides of a deadlock waited; a short random pause keeps them from meeting again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    },
  };
}

const RETRIES = 5;

/** PostgreSQL rolled the transaction back so that others could go on: deadlock_detected, serialization_failure. */
function rolledBackToRetry(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}

async function runBatch(db: Db, session: Session, list: Work[]): Promise<void> {
  // A body alone needs no savepoint: it rolls back with the transaction. On SQLite a savepoint
  // also journals every page it touches, which a big body (a restock, an import) pays for.
  const alone = list.length === 1;
  let failure: unknown;
  try {
    await session.exec('begin');
    for (const work of list) {
      if (!alone) await session.exec('savepoint work');
      try {
        work.outcome = { ok: true, value: await insideTransaction.run(new Set([db.$client]), () => work.body(session.tx)) };
        if (!alone) await session.exec('release work');
      } catch (error) {
        work.outcome = { ok: false, error };
        // What ran before is gone with the whole transaction, and what follows must not run outside it.
        if (alone || !session.open(error)) throw error;
        await session.exec('rollback to work');
        await session.exec('release work');
      }
    }
    await session.exec('commit');
  } catch (error) {
    failure = error;
    if (session.open(error)) await Promise.resolve(session.exec('rollback')).catch(() => {});
    // A body's own error is its answer; anything else (begin, commit, a lost connection) fails every body.
    if (!(alone && list[0]!.outcome && !list[0]!.outcome.ok && list[0]!.outcome.error === error)) throw error;
  } finally {
    session.end(failure);
  }
}

function sqliteSession(db: Db): () => Session {
  const client = sqliteWriter(db);
  const session: Session = {
    // Its own handle on the same connection: `deps.db` refuses to be used inside a transaction (db/guard.ts).
    tx: sqliteDrizzle(client, { schema }) as unknown as Tx,
    exec: (statement) => {
      client.exec(statement === 'begin' ? 'begin immediate' : statement);
    },
    open: () => client.inTransaction,
    end: () => {},
  };
  return () => session;
}

function pgSession(db: Db): () => Promise<Session> {
  const pool = db.$client as unknown as pg.Pool;
  return async () => {
    const client = await pool.connect();
    let open = true;
    // A checked-out client whose server goes away emits 'error'; unheard, that would crash the process.
    // The statement in flight fails too, which is how the bodies hear of it.
    const onError = () => {
      open = false;
    };
    client.on('error', onError);
    return {
      tx: drizzle(client, { schema }) as unknown as Tx,
      exec: async (statement) => {
        try {
          await client.query(statement);
        } catch (error) {
          // A failed statement leaves the transaction aborted until `rollback to`; a lost connection ends it.
          if (lostConnection(error)) open = false;
          throw error;
        }
      },
      open: (error) => open && !lostConnection(error),
      // A client whose connection broke is destroyed, not returned to the pool.
      end: (error) => {
        client.off('error', onError);
        client.release(!open || (error !== undefined && lostConnection(error)) ? ((error as Error) ?? new Error('connection lost')) : undefined);
      },
    };
  };
}

/** node-postgres' errors for a connection that is gone (not a statement that failed). */
export function lostConnection(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT') return true;
    if (/Connection terminated|Client has encountered a connection error|not queryable/i.test(e.message)) return true;
  }
  return false;
}
