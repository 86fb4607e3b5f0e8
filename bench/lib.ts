import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** WAITLINE_SECRET_KEY for bench servers: production refuses to start without one, and a fixed key writes no key file. */
export const BENCH_SECRET_KEY = Buffer.alloc(32, 'waitline-bench').toString('base64');

/** A TypeScript entry point in its own process, so the load generator does not share its event loop; run as in production. */
export async function startProcess(entry: string, env: Record<string, string>, healthUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, NODE_ENV: 'production', WAITLINE_SECRET_KEY: BENCH_SECRET_KEY, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(healthUrl)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start`);
}

export const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const BENCH_ROOT = 'bench-root-token';

/** A shop with one waitlist variant `v1`, made through the API of a running server. */
export async function benchShop(url: string): Promise<{ publishableKey: string; secretKey: string }> {
  const shop = await fetch(`${url}/v1/shops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ROOT}` },
    body: JSON.stringify({ name: 'Bench' }),
  }).then((r) => r.json());
  await fetch(`${url}/v1/admin/variants/v1`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.secretKey}` }, body: JSON.stringify({ title: 'Tee' }) });
  return shop;
}
