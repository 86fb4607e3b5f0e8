import { perConnection, type Db } from './index.ts';

const ROLLBACK = Symbol('rollback');

/**
 * Whether the database can take a write that needs new pages: a row of two pages'
 * worth of zeros is inserted into kv and rolled back, so nothing is stored and
 * nothing reaches the disk, but SQLite must find room for it (the file may grow,
 * or free pages exist). A full disk or max_page_count, a read-only file, or the
 * write lock held elsewhere past busy_timeout each answer false. A commit that
 * finds the disk full later is answered 503 by the app's error handler.
 */
export const probeWritable = perConnection((db: Db) => {
  const client = db.$client;
  const insert = client.prepare(`insert into kv (key, value) values ('health:write-probe', zeroblob(?))`);
  const pageSize = Number(client.pragma('page_size', { simple: true }));
  const attempt = client.transaction(() => {
    insert.run(2 * pageSize);
    throw ROLLBACK;
  });
  return (): { writable: true } | { writable: false; error: string } => {
    try {
      attempt();
    } catch (error) {
      if (error === ROLLBACK) return { writable: true };
      return { writable: false, error: error instanceof Error ? error.message : String(error) };
    }
    return { writable: false, error: 'the probe was not rolled back' };
  };
});
