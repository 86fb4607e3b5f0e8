import { closeSync, openSync, readSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { engineOf } from './engine.ts';
import { sqliteWriter, type Db } from './index.ts';

/**
 * Tables no cached answer reads: busy writers (messages, jobs, deliveries,
 * caps) whose writes would otherwise throw away every cached answer of their
 * shop. A table missing here only costs cache hits; a table listed here by
 * mistake would serve stale answers, so test/api/config-cache.test.ts checks
 * that the storefront config reads none of them.
 */
export const UNTRACKED_TABLES: ReadonlySet<string> = new Set([
  '__drizzle_migrations',
  'messages',
  'jobs',
  'kv',
  'email_caps',
  'sms_budget',
  'webhook_deliveries',
  'webhook_events',
]);

/** Told `shopId` when that shop's rows may have changed, or `null` when anything may have. */
export type ChangeListener = (shopId: string | null) => void;

/**
 * The version source: what tells in-memory caches that committed data moved.
 * `poll()` catches up with other processes and is cheap enough to call on
 * every request; changes made by this process are reported as they are written.
 *
 * SQLite (here): TEMP triggers on every tracked table call back into this
 * process with the row's shop, so no service can forget to invalidate, and
 * `PRAGMA data_version` (which moves only when another connection commits)
 * reports other processes, coarsely: it does not say which shop.
 *
 * PostgreSQL (issue 17) feeds the same listeners: the per-table triggers
 * become `pg_notify('waitline_changes', shop_id)`, delivered at commit to a
 * LISTEN connection of every process, which calls the listeners per shop.
 * Notifications arrive asynchronously, so `poll()` there reads one sequence
 * the same triggers bump (`select last_value from waitline_change_seq`) and
 * calls `listener(null)` when it moved past what notifications have covered,
 * which keeps "the next answer shows it" exact; this process's own writes are
 * reported by the transaction seam right after its commit.
 */
export interface VersionSource {
  poll(): void;
  subscribe(listener: ChangeListener): void;
}

/**
 * What an in-memory cache of `db`'s rows needs: the version source, and
 * whether a transaction is open (then the connection sees rows that are not
 * committed yet, which must never be kept). Null on PostgreSQL, which has no
 * version source yet: keep nothing there.
 */
export function changesOf(db: Db): { source: VersionSource; writing(): boolean } | null {
  if (engineOf(db) === 'pg') return null;
  const sqlite = sqliteWriter(db);
  return { source: versionSource(sqlite), writing: () => sqlite.inTransaction };
}

const sources = new WeakMap<Database.Database, VersionSource>();

/** The version source of a connection, installed once (after migrations: the triggers follow the tables as they are). */
export function versionSource(sqlite: Database.Database): VersionSource {
  let source = sources.get(sqlite);
  if (!source) sources.set(sqlite, (source = sqliteVersionSource(sqlite)));
  return source;
}

function sqliteVersionSource(sqlite: Database.Database): VersionSource {
  const listeners: ChangeListener[] = [];
  const tell = (shopId: string | null) => {
    for (const listener of listeners) listener(shopId);
  };
  // Called by the triggers below, inside the writing statement. A rolled-back
  // write has then told of a change that never committed: a wasted refill, never a stale answer.
  sqlite.function('waitline_changed', { varargs: true, deterministic: false }, (...shopIds: unknown[]) => {
    for (const id of shopIds) tell(typeof id === 'string' ? id : null);
    return null;
  });
  installTriggers(sqlite);
  // The header first: a commit landing between the two reads is then seen again at the next poll.
  const walUnchanged = walHeaderWatch(sqlite);
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  // Once per turn of the event loop: the requests read in one turn arrived together, and
  // under a burst a look per request (a system call each) cost a signup a twentieth of its time.
  let looked = false;
  const lookAgain = () => {
    looked = false;
  };
  return {
    poll() {
      if (looked) return;
      looked = true;
      setImmediate(lookAgain);
      if (walUnchanged()) return;
      const now = dataVersion.get();
      if (now !== seen) {
        seen = now;
        tell(null);
      }
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * A cheaper first look than `PRAGMA data_version` (a read transaction: its
 * locks cost several system calls, most of a cached answer's time): one read
 * of the wal-index header at the start of the `-shm` file, which every commit
 * rewrites as its last step (mxFrame and checksums; www.sqlite.org/walformat.html)
 * and a checkpoint does not touch. While those 48 bytes are as last seen,
 * nothing has committed since; when they moved (our own commits move them too),
 * data_version decides. The file stays the same one while this connection
 * holds it open. Without a `-shm` file (in memory), data_version every time.
 */
function walHeaderWatch(sqlite: Database.Database): () => boolean {
  let fd: number;
  try {
    if (sqlite.memory) return () => false;
    fd = openSync(`${sqlite.name}-shm`, 'r');
  } catch {
    return () => false;
  }
  const closeWithDb = sqlite.close.bind(sqlite);
  // Idempotent, as better-sqlite3's own close is: a second close must not close
  // whatever file has since been given the same descriptor number.
  sqlite.close = () => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
    return closeWithDb();
  };
  const last = Buffer.alloc(48);
  const now = Buffer.alloc(48);
  readSync(fd, last, 0, 48, 0);
  return () => {
    if (readSync(fd, now, 0, 48, 0) === 48 && now.equals(last)) return true;
    now.copy(last);
    return false;
  };
}

/** TEMP triggers belong to this connection alone: other processes neither see nor pay for them. */
function installTriggers(sqlite: Database.Database): void {
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const columnsOf = sqlite.prepare('SELECT name FROM pragma_table_info(?)').pluck();
  for (const table of tables) {
    if (UNTRACKED_TABLES.has(table)) continue;
    const columns = columnsOf.all(table) as string[];
    const shopColumn = table === 'shops' ? 'id' : columns.includes('shop_id') ? 'shop_id' : null;
    // A table not scoped to a shop could feed any answer: its writes change them all.
    const of = (row: 'NEW' | 'OLD') => (shopColumn ? `${row}."${shopColumn}"` : 'NULL');
    const trigger = (event: string, args: string) =>
      `CREATE TEMP TRIGGER IF NOT EXISTS "waitline_changed_${table}_${event}" AFTER ${event} ON main."${table}" BEGIN SELECT waitline_changed(${args}); END`;
    sqlite.exec(trigger('INSERT', of('NEW')));
    sqlite.exec(trigger('UPDATE', `${of('OLD')}, ${of('NEW')}`));
    sqlite.exec(trigger('DELETE', of('OLD')));
  }
}
