import { perConnection, type Db } from './index.ts';

interface Work {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/**
 * Group commit: work submitted during one turn of the event loop (every request
 * the server read in that turn) runs in one SQLite transaction, each piece
 * under its own savepoint, so a piece that throws rolls back alone. A commit
 * costs about the pages it writes, and writes made together share most of
 * theirs (the tail of each index, the table's last page): ten signups in one
 * commit write ~7 pages each instead of ~28. Every caller is answered after
 * the commit, so nothing is acknowledged before it is durable; if the commit
 * itself fails, every piece in it fails.
 */
export const groupCommit = perConnection((db: Db) => {
  const client = db.$client;
  let queue: Work[] = [];
  // Nested inside `all`, a better-sqlite3 transaction is a savepoint.
  const one = client.transaction((work: Work) => work.run());
  const all = client.transaction((list: Work[]) => {
    for (const work of list) {
      try {
        work.outcome = { ok: true, value: one(work) };
      } catch (error) {
        work.outcome = { ok: false, error };
        // A full disk or an I/O error makes SQLite roll back the whole transaction, not the
        // savepoint: what ran before is gone, and what follows must not run (and commit) outside it.
        if (!client.inTransaction) throw error;
      }
    }
  });
  const flush = () => {
    const list = queue;
    queue = [];
    try {
      all(list);
    } catch (error) {
      for (const work of list) work.outcome = { ok: false, error };
    }
    for (const { outcome, resolve, reject } of list) {
      if (outcome?.ok) resolve(outcome.value);
      else reject(outcome?.error ?? new Error('group commit: work did not run'));
    }
  };
  return <T>(run: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      // setImmediate runs after the poll phase, so requests read in the same turn share the commit.
      if (queue.length === 0) setImmediate(flush);
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
});
