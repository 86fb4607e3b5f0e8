import { closeSync, openSync, readSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { engineOf } from './engine.ts';
import { sqliteWriter, type Db } from './index.ts';
import { listenerOf, type Listener } from './listen.ts';

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
  // Every rate-limited request writes a counter here on PostgreSQL (db/rate-store.ts), under no shop:
  // tracked, each would tell every replica that every shop changed.
  'rate_limits',
  // A store connection's sync progress, its webhooks' arrivals and the widget's sightings: written
  // often, read only fresh by the Connect page (connection_webhooks has no shop column, so a write
  // there would flush every shop's answers).
  'connections',
  'connection_webhooks',
  'widget_sightings',
  // The platform reservations ledger: written by its job on every hold change, read by no cached answer.
  'platform_reservations',
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
 * reports other processes, coarsely: it does not say which shop. `poll()`
 * answers at once.
 *
 * PostgreSQL (pgVersionSource below): statement-level triggers on every
 * tracked table send `pg_notify('waitline_changes', '<version> <shop_id>')`
 * once per distinct shop a statement touched, and take the version from one
 * sequence, `waitline_change_seq`. PostgreSQL delivers them at commit to the
 * LISTEN connection of every process (this one's too), which calls the
 * listeners per shop. They arrive asynchronously, so `poll()` asks that same
 * connection for the sequence: a session gets every notification committed
 * before its query ends ahead of the query's answer, so by then every earlier
 * commit, this process's own included, has been told; and a sequence past the
 * highest version told (a notification lost, a rolled-back write) calls
 * `listener(null)`. That is one round trip, shared by the requests of one
 * event-loop turn, and the caller awaits it: until it is answered `current()`
 * is false, and a cache serves nothing.
 */
export interface VersionSource {
  /** Returns a promise when the answer needs a round trip (PostgreSQL); it never rejects. */
  poll(): void | Promise<void>;
  /** Every poll so far has been answered: what was committed before it has been told. */
  current(): boolean;
  subscribe(listener: ChangeListener): void;
}

/**
 * What an in-memory cache of `db`'s rows needs: the version source, and
 * whether a transaction is open (then the connection sees rows that are not
 * committed yet, which must never be kept). On PostgreSQL the services' handle
 * is the pool, whose reads never see an open transaction's rows (each runs on
 * its own client, db/transaction.ts), so `writing()` is false; a transaction's
 * own handle has no source (null): nothing read through it is kept.
 */
export function changesOf(db: Db): { source: VersionSource; writing(): boolean } | null {
  if (engineOf(db) === 'pg') {
    const listener = listenerOf(db);
    return listener ? { source: pgSource(listener), writing: () => false } : null;
  }
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
    current: () => true,
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

/** The channel the change triggers notify on: `<version> <shop id>`, an empty shop id for "any shop". */
export const CHANGES_CHANNEL = 'waitline_changes';

const pgSources = new WeakMap<Listener, VersionSource>();

function pgSource(listener: Listener): VersionSource {
  let source = pgSources.get(listener);
  if (!source) pgSources.set(listener, (source = pgVersionSource(listener)));
  return source;
}

function pgVersionSource(listener: Listener): VersionSource {
  const listeners: ChangeListener[] = [];
  const tell = (shopId: string | null) => {
    for (const l of listeners) l(shopId);
  };
  // The highest version a notification told of, and the highest a poll found and answered with null.
  let notified = 0;
  let covered = 0;
  // A `null` payload: the connection came back after a drop, and what was sent meanwhile is lost.
  void listener.listen(CHANGES_CHANNEL, (payload) => {
    if (payload === null) return tell(null);
    const space = payload.indexOf(' ');
    notified = Math.max(notified, Number(payload.slice(0, space)));
    const shopId = payload.slice(space + 1);
    tell(shopId === '' ? null : shopId);
  });

  let started = 0;
  let answered = 0;
  let running: Promise<void> | null = null;
  let joinable = false;
  let queued: Promise<void> | null = null;
  const look = async (n: number) => {
    try {
      const [row] = await listener.query<{ version: number }>(
        'select case when is_called then last_value else 0 end as version from waitline_change_seq',
      );
      // Versions are taken at write time, not commit time, so a lower one may still commit later:
      // its notification then comes ahead of any later poll's answer, on this same connection.
      const version = Number(row?.version ?? 0);
      if (version > notified && version > covered) {
        covered = version;
        tell(null);
      }
      answered = Math.max(answered, n);
    } catch {
      // No answer (the connection is down): not current until a later poll is answered.
    }
  };
  const start = (): Promise<void> => {
    const pending = look(++started).finally(() => {
      if (running === pending) running = null;
    });
    running = pending;
    // The requests of one turn arrived together and share the look, as on SQLite.
    joinable = true;
    setImmediate(() => {
      joinable = false;
    });
    return pending;
  };
  return {
    poll() {
      if (!running) return start();
      if (joinable) return running;
      // One look at a time: requests arriving during one share the next, sent once it is answered and
      // its own requests have gone on (setImmediate), so that they find the source current.
      queued ??= running
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => {
          queued = null;
          return start();
        });
      return queued;
    },
    current: () => answered === started,
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * The PostgreSQL triggers behind pgVersionSource, made from the catalog as the
 * tables stand (so they follow new tables, as SQLite's TEMP triggers do) and
 * idempotent: run after every migration under the migration lock
 * (db/pg-migrate.ts). Statement-level with transition tables: a 10k-row
 * restock notifies once per shop, not per row. Only missing triggers are
 * created and only stale ones dropped (each takes a lock on its table), so a
 * replica starting beside busy ones changes nothing and waits for nobody.
 */
export async function installPgChangeTriggers(client: pg.ClientBase): Promise<void> {
  await client.query('create sequence if not exists waitline_change_seq');
  await client.query(NOTIFY_FUNCTION);
  const { rows: tables } = await client.query<{ name: string; shop: boolean }>(
    `select c.relname as name, exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id' and not a.attisdropped) as shop
       from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'`,
  );
  const { rows: existing } = await client.query<{ table: string; name: string }>(
    `select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where c.relnamespace = current_schema()::regnamespace and t.tgname like 'waitline_changed_%' and not t.tgisinternal`,
  );
  const wanted = new Map<string, string>();
  const functions = new Set<string>();
  for (const { name, shop } of tables) {
    if (UNTRACKED_TABLES.has(name)) continue;
    // A table not scoped to a shop could feed any answer: its writes change them all.
    const column = name === 'shops' ? 'id' : shop ? 'shop_id' : null;
    for (const event of ['insert', 'update', 'delete'] as const) {
      const trigger = `waitline_changed_${event}_${column ? `by_${column}` : 'all'}`;
      functions.add(changedFunction(trigger, event, column));
      wanted.set(`${name}\n${trigger}`, changeTrigger(name, trigger, event));
    }
  }
  for (const statement of functions) await client.query(statement);
  for (const { table: name, name: trigger } of existing) {
    if (!wanted.delete(`${name}\n${trigger}`)) await client.query(`drop trigger ${quote(trigger)} on ${quote(name)}`);
  }
  for (const statement of wanted.values()) await client.query(statement);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function changeTrigger(name: string, trigger: string, event: 'insert' | 'update' | 'delete'): string {
  const referencing = { insert: 'new table as new_rows', update: 'old table as old_rows new table as new_rows', delete: 'old table as old_rows' }[event];
  return `create trigger ${quote(trigger)} after ${event} on ${quote(name)} referencing ${referencing} for each statement execute function ${quote(trigger)}()`;
}

/**
 * The distinct shops of one statement's rows, in static SQL (PL/pgSQL keeps
 * its plan per table the trigger is on), handed to waitline_changes().
 */
function changedFunction(name: string, event: 'insert' | 'update' | 'delete', column: string | null): string {
  const rowSets = { insert: ['new_rows'], update: ['new_rows', 'old_rows'], delete: ['old_rows'] }[event];
  const shops = column
    ? `select array_agg(distinct s) from (${rowSets.map((rows) => `select ${quote(column)}::text as s from ${rows}`).join(' union all ')}) r`
    : `select case when exists (${rowSets.map((rows) => `select from ${rows}`).join(' union all ')}) then array[null::text] end`;
  return `create or replace function ${quote(name)}() returns trigger language plpgsql as $fn$
begin
  perform waitline_changes((${shops}));
  return null;
end
$fn$`;
}

/** One version per statement that changed rows, one notification per distinct shop (NULL: every shop). */
const NOTIFY_FUNCTION = `
create or replace function waitline_changes(shop_ids text[]) returns void language plpgsql as $fn$
declare
  version bigint;
  shop_id text;
begin
  if shop_ids is null then
    return;
  end if;
  version := nextval('waitline_change_seq');
  foreach shop_id in array shop_ids loop
    perform pg_notify('${CHANGES_CHANNEL}', version || ' ' || coalesce(shop_id, ''));
  end loop;
end
$fn$`;
