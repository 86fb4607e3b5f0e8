import { TEST_SECRET_KEY } from '../child-server.ts';
import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { connectPg } from '../../db/pg.ts';
import { killed, ROOT, serverEnv, startServer } from '../child-server.ts';
import { freshPgDatabase } from './database.ts';
import { freePort } from './server.ts';

// Nothing listens on a port bound once by us and let go.
const closedPort = freePort;

describe('connectPg at start-up', () => {
  it('answers with a pool that has run a query when the server is there', async () => {
    const db = await connectPg(`${inject('pgUrl')}postgres`);
    try {
      const { rows } = await db.$client.query<{ one: number }>('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.$client.end();
    }
  });

  it('fails with one line naming the server and why, never the password, when nothing listens', async () => {
    const port = await closedPort();
    const error = await connectPg(`postgres://waitline:s3cret@127.0.0.1:${port}/shop`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(`Cannot connect to PostgreSQL at 127.0.0.1:${port}/shop: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(message).not.toContain('s3cret');
  });

  it('names a database that does not exist', async () => {
    const error = await connectPg(`${inject('pgUrl')}no_such_database`).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/no_such_database: database "no_such_database" does not exist$/);
  });

  it.each([
    ['a libpq keyword string', 'host=127.0.0.1 dbname=shop', /^DATABASE_URL is not a URL/],
    ['another scheme', 'mysql://root@127.0.0.1/shop', /^DATABASE_URL must start with postgres:\/\/ or postgresql:\/\/, not mysql:\/\/$/],
    ['no host', 'postgres:///shop', /^DATABASE_URL names no host/],
  ])('refuses a bad URL (%s) before dialling anything', async (_, url, expected) => {
    await expect(connectPg(url)).rejects.toThrow(expected);
  });
});

describe('the server on DATABASE_URL', () => {
  it('prints one clear line and exits 1 when PostgreSQL cannot be reached', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, DATABASE_URL: `postgres://waitline:s3cret@127.0.0.1:${port}/shop`, PORT: String(await closedPort()), WAITLINE_DEMO: '0', WAITLINE_SECRET_KEY: TEST_SECRET_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toBe(`Waitline cannot start: Cannot connect to PostgreSQL at 127.0.0.1:${port}/shop: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('migrates an empty database on start and serves', async () => {
    const database = await freshPgDatabase({ empty: true });
    const env = await serverEnv(':memory:', 'http://127.0.0.1:9', { DATABASE_URL: database.url, RESEND_API_KEY: '' });
    const child = await startServer(env);
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/v1/shops`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ROOT}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'On Postgres' }),
      });
      expect(res.status).toBe(201);
      const { rows } = await database.db.$client.query<{ name: string }>('select name from shops');
      expect(rows).toEqual([{ name: 'On Postgres' }]);
    } finally {
      await killed(child);
      await database.drop();
    }
  });
});
