import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../bench/lib.ts';

/**
 * The real server as a child process, as `npm start` runs it (minus the build):
 * its own event loop, its own clock, and a process we can SIGKILL. Used by the
 * crash tests and the fan-out bench.
 */

export const ROOT = 'child-server-root-token';
/** WAITLINE_SECRET_KEY for every test server (here and test/helpers.ts): fixed, so no test writes a generated key file. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 'waitline-tests').toString('base64');

/** The child's environment on the SQLite file at `dbPath`, or on PostgreSQL when `extra` names a `DATABASE_URL`. */
export async function serverEnv(dbPath: string, resendUrl: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    WAITLINE_DB: dbPath,
    // Not the shell's: a DATABASE_URL left exported would move the child off the file the test reads.
    DATABASE_URL: '',
    WAITLINE_ADMIN_TOKEN: ROOT,
    WAITLINE_SECRET_KEY: TEST_SECRET_KEY,
    WAITLINE_DEMO: '0',
    WAITLINE_TICK_MS: '100',
    WAITLINE_LEASE_MS: '1000',
    WAITLINE_RATE_PER_IP: '0',
    RESEND_API_KEY: 're_child_server',
    RESEND_BASE_URL: resendUrl,
    ...extra,
  };
}

/** `startupMs`: how long it may take to answer /health (a loaded machine starts tsx slowly). */
export async function startServer(env: Record<string, string>, startupMs = 20_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + startupMs;
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

/** SIGKILL: no shutdown hook runs, whatever was in flight is simply gone. */
export const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

export type Api = ReturnType<typeof client>;

/** JSON calls to the child, plus the few setup steps every crash scenario shares. */
export function client(env: Record<string, string>) {
  const base = `http://127.0.0.1:${env.PORT}`;
  const api = async (path: string, init: { method?: string; body?: unknown; token?: string; csv?: string } = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': init.csv === undefined ? 'application/json' : 'text/csv',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.csv ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  return {
    api,
    async createShop(settings: Record<string, unknown> = {}) {
      const shop = await api('/v1/shops', { method: 'POST', token: ROOT, body: { name: 'Crash Shop', settings: { sender: { email: 'shop@crash.example' }, ...settings } } });
      if (shop.status !== 201) throw new Error(`shop: ${JSON.stringify(shop.body)}`);
      return { sk: shop.body.secretKey as string, pk: shop.body.publishableKey as string };
    },
    /** `n` waiting signups through the CSV import: quiet (no confirmations), and fast. */
    async seedLine(sk: string, variantId: string, emails: string[]) {
      const put = await api(`/v1/admin/variants/${variantId}`, { method: 'PUT', token: sk, body: { productTitle: 'Tee', title: 'M', mode: 'waitlist', inventory: 0 } });
      if (put.status !== 200 && put.status !== 201) throw new Error(`variant: ${JSON.stringify(put.body)}`);
      const csv = ['email,variant', ...emails.map((e) => `${e},${variantId}`)].join('\n');
      const imported = await api('/v1/admin/signups/import', { method: 'POST', token: sk, csv });
      if (imported.body.imported !== emails.length) throw new Error(`import: ${JSON.stringify(imported.body).slice(0, 500)}`);
    },
    async restock(sk: string, variantId: string, units: number) {
      const res = await api(`/v1/admin/variants/${variantId}/inventory`, { method: 'POST', token: sk, body: { available: units } });
      if (res.status !== 200) throw new Error(`restock: ${JSON.stringify(res.body)}`);
      return res.body.allocation as { offered: number; unitsHeld: number };
    },
  };
}
