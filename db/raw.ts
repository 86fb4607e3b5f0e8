import type { SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { engineOf } from './engine.ts';
import { insideTransaction } from './guard.ts';
import type { DbOrTx, Tx } from './index.ts';
import { named } from './sql/pg/named.ts';
import type { Statement, Write } from './sql/statement.ts';

/**
 * Hand-written SQL on either engine. Drizzle's `sql` template binds its values
 * the engine's way (`?` or `$n`); what differs is how rows and counts come
 * back, which these hide. Columns keep the names the query gives them, so
 * camelCase aliases must be quoted (`as "contactId"`): Postgres folds the rest.
 */

type SqliteHandle = { all(query: SQL): unknown[]; run(query: SQL): Database.RunResult };
type PgHandle = { execute(query: SQL): Promise<pg.QueryResult> };

/** The rows of a query. */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  if (engineOf(db) === 'sqlite') return (db as unknown as SqliteHandle).all(query) as T[];
  return (await (db as unknown as PgHandle).execute(query)).rows as T[];
}

/** The first row of a query, or undefined. */
export async function first<T>(db: DbOrTx, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** Runs a write and answers how many rows it changed. Writes run only inside `transaction` (db/transaction.ts). */
export async function execute(tx: Tx, query: SQL): Promise<number> {
  if (engineOf(tx) === 'sqlite') return (tx as unknown as SqliteHandle).run(query).changes;
  return (await (tx as unknown as PgHandle).execute(query)).rowCount ?? 0;
}

/** How many rows an awaited Drizzle update, delete or insert changed: better-sqlite3's `changes`, node-postgres' `rowCount`. */
export function affected(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return r.changes ?? r.rowCount ?? 0;
}

type Params = Record<string, unknown> | unknown[];

/**
 * The rows of one of a twin's statements (db/sql/<engine>/<area>.ts): its
 * text for this engine, run with named (`@name`) or positional parameters,
 * each row through the twin's `row`. On SQLite the statement is prepared once
 * per connection and text.
 */
export async function statementRows<O, R>(db: DbOrTx, statement: Statement<O, R>, options: O, params: Params): Promise<R[]> {
  const text = statement.text(options);
  // The raw driver bypasses Drizzle's logger, where the shared handle guards itself (db/guard.ts).
  if (insideTransaction.has(db.$client)) throw new Error(`deps.db used inside a transaction: pass the tx you were given (${text.slice(0, 60)})`);
  let raw: Array<Record<string, unknown>>;
  if (engineOf(db) === 'sqlite') {
    const prepared = prepare(db.$client as unknown as Database.Database, text);
    raw = (Array.isArray(params) ? prepared.all(...params) : prepared.all(params)) as Array<Record<string, unknown>>;
  } else {
    raw = (await pgClient(db).query(Array.isArray(params) ? { text, values: params } : named(text, params))).rows;
  }
  return raw.map((r) => statement.row(r));
}

/** Runs a twin's write with positional parameters; answers the rows changed and, for inserts that return it, the new id. */
export async function runWrite(tx: Tx, write: Write, params: unknown[]): Promise<{ changes: number; id: number }> {
  const text = write.text();
  if (engineOf(tx) === 'sqlite') {
    const client = tx.$client as unknown as Database.Database;
    if (!client.inTransaction) throw new Error(`A write outside a transaction: ${text.slice(0, 80)}`);
    const result = prepare(client, text).run(...params);
    return { changes: result.changes, id: Number(result.lastInsertRowid) };
  }
  const result = await pgClient(tx).query({ text, values: params });
  return { changes: result.rowCount ?? 0, id: Number(result.rows[0]?.id ?? 0) };
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepare(client: Database.Database, text: string): Database.Statement {
  let byText = statements.get(client);
  if (!byText) statements.set(client, (byText = new Map()));
  let statement = byText.get(text);
  if (!statement) byText.set(text, (statement = client.prepare(text)));
  return statement;
}

/** The pool, or inside a transaction the one client it runs on. */
const pgClient = (db: DbOrTx) => db.$client as unknown as pg.Pool | pg.PoolClient;
