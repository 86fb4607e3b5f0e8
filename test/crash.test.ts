import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResendStub, type ResendStub } from './stubs/resend-stub.ts';

const ROOT = 'crash-test-root-token';
const RECIPIENTS = 150;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The real server as a child process, as `npm start` runs it (minus the build). */
async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${output}`);
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('a server killed between writing and sending', () => {
  let stub: ResendStub;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    stub = await startResendStub({ stall: true });
    dir = mkdtempSync(join(tmpdir(), 'waitline-crash-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends each pending confirmation exactly once after a restart', async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      WAITLINE_DB: join(dir, 'waitline.db'),
      WAITLINE_ADMIN_TOKEN: ROOT,
      WAITLINE_DEMO: '0',
      WAITLINE_TICK_MS: '100',
      WAITLINE_LEASE_MS: '1000',
      WAITLINE_RATE_PER_IP: '0',
      RESEND_API_KEY: 're_crash_test',
      RESEND_BASE_URL: stub.url,
      RESEND_RPS: '100',
    };
    const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: init.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));

    child = await startServer(env);
    const shop = await api('/v1/shops', { method: 'POST', token: ROOT, body: { name: 'Crash Shop', settings: { sender: { email: 'shop@crash.example' } } } });
    const sk = shop.body.secretKey as string;
    await api('/v1/admin/variants/v1', { method: 'PUT', token: sk, body: { title: 'Tee', mode: 'waitlist' } });
    for (let i = 0; i < RECIPIENTS; i++) {
      const res = await api('/v1/storefront/signups', { method: 'POST', body: { key: shop.body.publishableKey, variantId: 'v1', email: `r${i}@example.com` } });
      expect(res.status).toBe(201);
    }
    // The provider has accepted at least one request the server never heard back from,
    // and the rest are written but unsent. Kill it there.
    await expect.poll(() => stub.requests.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const acceptedBeforeKill = stub.deliveries.size;
    expect(acceptedBeforeKill).toBeGreaterThan(0);
    expect(acceptedBeforeKill).toBeLessThan(RECIPIENTS);
    await killed(child);

    stub.options.stall = false;
    child = await startServer(env);
    await expect.poll(() => new Set([...stub.deliveries.keys()].map((k) => k.split('|')[1])).size, { timeout: 20_000 }).toBe(RECIPIENTS);
    // Give a wrongly repeated send the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < RECIPIENTS; i++) expect(stub.sentTo(`r${i}@example.com`), `r${i}`).toBe(1);

    const { body } = await api('/v1/admin/messages?limit=200', { token: sk });
    expect(body.messages).toHaveLength(RECIPIENTS);
    expect(body.messages.every((m: { status: string }) => m.status === 'sent')).toBe(true);
    // The request that was in flight at the kill was replayed under its key, not delivered again.
    expect(stub.requests.length).toBeGreaterThan(2);
  }, 60_000);
});
