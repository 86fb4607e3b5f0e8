import { sql } from 'drizzle-orm';
import type { Db } from './index.ts';
import { execute } from './raw.ts';
import { transaction } from './transaction.ts';

const ROLLBACK = Symbol('rollback');
/** Four SQLite pages (4 KiB), two PostgreSQL ones (8 KiB): the write must find new room, not fit in a page it has. */
const PROBE = '0'.repeat(16_384);

/**
 * Whether the database can take a write that needs new pages: a 16 KiB row is
 * inserted into kv through the writer (db/transaction.ts) and rolled back, so
 * nothing is stored, but the engine must find room for it. A full disk or
 * max_page_count, a read-only file, the write lock held elsewhere past
 * busy_timeout, or a PostgreSQL that cannot be reached each answer false. A
 * commit that finds the disk full later is answered 503 by the app's error
 * handler.
 */
export const probeWritable = (db: Db) => async (): Promise<{ writable: true } | { writable: false; error: string }> => {
  try {
    await transaction(db, async (tx) => {
      await execute(tx, sql`insert into kv (key, value) values ('health:write-probe', ${PROBE})`);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error === ROLLBACK) return { writable: true };
    return { writable: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { writable: false, error: 'the probe was not rolled back' };
};
