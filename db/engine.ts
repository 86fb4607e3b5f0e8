import Database from 'better-sqlite3';
import type { DbOrTx } from './index.ts';

/**
 * Which engine a handle talks to. Services are written once, in dialect-neutral
 * Drizzle over the tables of db/schema; only db/ (and the named SQL twins of
 * db/sql/) ever asks this.
 */
export type Engine = 'sqlite' | 'pg';

export const engineOf = (db: DbOrTx): Engine => (db.$client instanceof Database ? 'sqlite' : 'pg');
