import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { killed, serverEnv } from '../child-server.ts';
import { testEngine } from '../helpers.ts';
import { freshPgDatabase, type FreshPgDatabase } from '../pg/database.ts';
import { startResendStub, type ResendStub, type ResendStubOptions } from '../stubs/resend-stub.ts';

/**
 * A crash suite's size on this run's engine: full on SQLite, a share on
 * PostgreSQL (the `services-pg` project's PROPERTY_SCALE), never below `min`,
 * the least at which the suite's kill still lands where it says it does.
 */
export const scaled = (full: number, min: number) => Math.max(min, Math.round(full * Number(process.env.PROPERTY_SCALE ?? 1)));

/** Rows of one SQL text (`?` for parameters) on the database the server writes, read from outside it. */
export type Rows = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export interface CrashScene {
  engine: 'sqlite' | 'pg';
  stub: ResendStub;
  /** The server's environment on this scene's database (a SQLite file, or under `services-pg` a PostgreSQL database of its own). */
  serverEnv(extra?: Record<string, string>): Promise<Record<string, string>>;
  /**
   * Reads what the server committed: a read-only connection to the file on
   * SQLite (opened at the first read: the server creates the file), the
   * test's own pool on PostgreSQL. Each statement reads a committed snapshot.
   */
  rows: Rows;
  /** The server now running; set it on every (re)start so the suite can always kill it. */
  child?: ChildProcess;
}

/** A Resend stub and a database of its own for one crash suite, torn down however it ends. */
export function crashScene(stubOptions: ResendStubOptions = {}): CrashScene {
  const engine = testEngine();
  const scene = { engine } as CrashScene;
  let dir = '';
  let pg: FreshPgDatabase | null = null;
  let sqlite: Database.Database | null = null;
  beforeAll(async () => {
    scene.stub = await startResendStub(stubOptions);
    dir = mkdtempSync(join(tmpdir(), 'waitline-crash-'));
    const dbPath = join(dir, 'waitline.db');
    if (engine === 'pg') pg = await freshPgDatabase();
    const database: Record<string, string> = pg ? { DATABASE_URL: pg.url } : {};
    scene.serverEnv = (extra = {}) => serverEnv(dbPath, scene.stub.url, { ...database, ...extra });
    scene.rows = pg
      ? async <T,>(text: string, params: unknown[] = []) => {
          let n = 0;
          return (await pg!.db.$client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
        }
      : async <T,>(text: string, params: unknown[] = []) => {
          sqlite ??= new Database(dbPath, { readonly: true });
          return sqlite.prepare(text).all(...params) as T[];
        };
  });
  afterAll(async () => {
    if (scene.child) await killed(scene.child);
    sqlite?.close();
    await pg?.drop();
    await scene.stub?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return scene;
}
