import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, TEST_SECRET_KEY, serverEnv } from '../child-server.ts';
import { testEngine } from '../helpers.ts';
import { freshPgDatabase, type FreshPgDatabase } from '../pg/database.ts';

const PUBLIC_URL = 'https://waitline.example.com';

/**
 * The real server as deploy/Dockerfile and deploy/waitline.service start it: NODE_ENV=production, WAITLINE_DEMO
 * unset. Runs `check` once it is ready, then stops it with SIGTERM; answers its whole output and exit code.
 */
async function production(env: Record<string, string>, check: (base: string) => Promise<void>) {
  // Not the shell's WAITLINE_DEMO: the default is what is tested.
  const { WAITLINE_DEMO: _demo, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      if (/ready in \d+ ms/.test(output)) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => reject(new Error(`exited ${code} before it was ready:\n${output}`)));
  });
  try {
    await ready;
    await check(`http://127.0.0.1:${env.PORT}`);
  } finally {
    child.kill('SIGTERM');
  }
  return { output, code: await exited };
}

describe(`NODE_ENV=production (${testEngine()})`, () => {
  let dir = '';
  let pg: FreshPgDatabase | null = null;
  let env: Record<string, string> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-production-'));
    if (testEngine() === 'pg') pg = await freshPgDatabase();
    const database: Record<string, string> = pg ? { DATABASE_URL: pg.url } : {};
    const { WAITLINE_DEMO: _demo, ...rest } = await serverEnv(join(dir, 'waitline.db'), 'http://127.0.0.1:9', { RESEND_API_KEY: '', ...database });
    env = { ...rest, NODE_ENV: 'production', PUBLIC_URL };
  });
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with no demo and no secret printed, tells how to make the first shop, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const answers: Record<string, [number, string | null]> = {};
    const { output, code } = await production(env, async (base) => {
      for (const path of ['/health', '/demo', '/favicon.ico', '/favicon.svg']) {
        const res = await fetch(`${base}${path}`);
        answers[path] = [res.status, res.headers.get('content-type')];
        await res.arrayBuffer();
      }
    });
    expect(answers).toEqual({
      '/health': [200, 'application/json'],
      '/demo': [404, 'text/plain; charset=UTF-8'],
      '/favicon.ico': [200, 'image/svg+xml'],
      '/favicon.svg': [200, 'image/svg+xml'],
    });
    expect(code).toBe(0);
    for (const secret of ['sk_', 'pk_', ROOT, TEST_SECRET_KEY]) expect(output).not.toContain(secret);
    // The start lines (the request log after them names /demo, which was asked for).
    expect(output.slice(0, output.indexOf('ready in'))).not.toMatch(/demo/i);
    expect(output).toContain(`no shop yet: create the first with the root token (WAITLINE_ADMIN_TOKEN)`);
    expect(output).toContain(`in the dashboard: ${PUBLIC_URL}/admin, "Create a shop with the root token"`);
    expect(output).toContain(`or: curl -X POST ${PUBLIC_URL}/v1/shops -H "authorization: Bearer $WAITLINE_ADMIN_TOKEN"`);
    expect(output).toContain(`${PUBLIC_URL}/admin`);
    expect(output).not.toContain('PUBLIC_URL is');
  });

  it('says nothing of a first shop once there is one, and keeps the root token closed when it is not set', { timeout: 60_000 }, async () => {
    const made = await production(env, async (base) => {
      const res = await fetch(`${base}/v1/shops`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ROOT}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'First Shop' }),
      });
      expect(res.status).toBe(201);
    });
    expect(made.output).toContain('no shop yet');

    const again = await production({ ...env, WAITLINE_ADMIN_TOKEN: '', PUBLIC_URL: 'http://127.0.0.1:1' }, async (base) => {
      const res = await fetch(`${base}/v1/shops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
      expect(res.status).toBe(401);
    });
    expect(again.code).toBe(0);
    expect(again.output).not.toContain('no shop yet');
    expect(again.output).not.toMatch(/wl_admin_/);
    expect(again.output).toContain('WAITLINE_ADMIN_TOKEN is not set: no shop can be created until it is');
    expect(again.output).toContain('PUBLIC_URL is http://127.0.0.1:1: set it to the public https address');
  });
});
