import { createDb, type Db } from './index.ts';
import type { Engine } from './engine.ts';
import { connectPg, migratePg, servicesHandle } from './pg.ts';

export interface OpenDatabase {
  db: Db;
  engine: Engine;
  /** Where the data is, for the start-up line: a file, or `host:port/database` (never a password). */
  where: string;
  close(): Promise<void>;
}

/**
 * The database the product runs on: PostgreSQL when `databaseUrl` is set
 * (reached, then migrated once under a lock however many replicas start
 * together), else the SQLite file at `dbPath`, migrated. Unreachable
 * PostgreSQL throws an Error with a one-line message for the caller to print.
 */
export async function openDatabase(options: { databaseUrl?: string; dbPath: string }): Promise<OpenDatabase> {
  if (!options.databaseUrl) {
    const { db, close } = createDb(options.dbPath);
    return { db, engine: 'sqlite', where: options.dbPath, close: async () => close() };
  }
  const pool = await connectPg(options.databaseUrl);
  try {
    await migratePg(pool);
  } catch (error) {
    await pool.$client.end();
    throw error;
  }
  const url = new URL(options.databaseUrl);
  return {
    db: servicesHandle(pool.$client),
    engine: 'pg',
    where: `${url.hostname}:${url.port || 5432}${url.pathname}`,
    close: () => pool.$client.end(),
  };
}
