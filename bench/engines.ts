import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { copySqliteToPg } from '../db/to-postgres.ts';
import { connectPg } from '../db/pg.ts';

/**
 * Benchmarks run on SQLite, and also on PostgreSQL when `DATABASE_URL` names
 * a server (`npm run bench:pg` starts a throwaway one): each run gets a fresh
 * database there, made and dropped by the bench, so the URL's role needs
 * CREATEDB. Figures print side by side, one line per engine.
 */
export interface BenchEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** The server environment that selects this engine, for a SQLite file at `dbPath`. */
  env(dbPath: string): Record<string, string>;
  /**
   * Seeds are written to the SQLite file at `dbPath` (fast bulk inserts);
   * on PostgreSQL this copies that file into the fresh database with
   * `migrate:to-postgres`' code, then the bench opens it.
   */
  adopt(dbPath: string): Promise<void>;
  /** Rows of a query on this engine's database (the server's file or database). */
  query<T>(dbPath: string, text: string): Promise<T[]>;
  drop(): Promise<void>;
}

export async function benchEngines(): Promise<BenchEngine[]> {
  const engines: BenchEngine[] = [sqliteEngine()];
  if (process.env.DATABASE_URL) engines.push(await postgresEngine(process.env.DATABASE_URL));
  return engines;
}

/** Runs `bench` once per engine and prefixes each line of its figures with the engine's name. */
export async function onEachEngine(bench: (engine: BenchEngine) => Promise<string>): Promise<string> {
  const lines: string[] = [];
  for (const engine of await benchEngines()) {
    try {
      lines.push(...(await bench(engine)).split('\n').map((line) => `[${engine.name}] ${line}`));
    } finally {
      await engine.drop();
    }
  }
  if (!process.env.DATABASE_URL) lines.push('[PostgreSQL] not measured: set DATABASE_URL (or run `npm run bench:pg`)');
  return lines.join('\n');
}

function sqliteEngine(): BenchEngine {
  return {
    name: 'SQLite',
    env: (dbPath) => ({ WAITLINE_DB: dbPath, DATABASE_URL: '' }),
    adopt: async () => {},
    async query<T>(dbPath: string, text: string) {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare(text).all() as T[];
      } finally {
        db.close();
      }
    },
    drop: async () => {},
  };
}

async function postgresEngine(serverUrl: string): Promise<BenchEngine> {
  const name = `waitline_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // An idle client dropped by the server (the database dropped, the server stopped) must not crash the bench.
  pool.on('error', () => {});
  return {
    name: 'PostgreSQL',
    env: (dbPath) => ({ WAITLINE_DB: dbPath, DATABASE_URL: databaseUrl }),
    async adopt(dbPath) {
      const target = await connectPg(databaseUrl);
      try {
        await copySqliteToPg(dbPath, target);
        // A live database has been vacuumed and analysed since its rows came; a bulk load that has not
        // would measure autovacuum's first pass over a million rows, running beside the bench.
        await target.$client.query('vacuum analyze');
      } finally {
        await target.$client.end();
      }
    },
    query: async <T>(_: string, text: string) => (await pool.query(text)).rows as T[],
    async drop() {
      await pool.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
