import { createApp } from '../../server/app.ts';
import type { Config } from '../../server/config.ts';
import { createDeps, type ServerDeps } from '../../server/deps.ts';
import type { TestEnv } from '../helpers.ts';

export interface ReplicaOptions {
  /** Replica `i`'s config, made from the test's (e.g. each pointed at a provider stub of its own); the test's as it is by default. */
  config?: (i: number, config: Config) => Config;
}

/**
 * `count` replicas of the server on the test's PostgreSQL database, each with
 * its own pool, writer and app, as separate processes would have: their
 * transactions really run at once. What they log lands in `complaints` (all
 * replicas) and `logs[i]` (replica `i`'s own), so a failed assertion can say
 * what the server saw, and a test can tell which replica said it.
 */
export async function startReplicas(t: TestEnv, count: number, options: ReplicaOptions = {}) {
  const complaints: string[] = [];
  const logs: string[][] = Array.from({ length: count }, () => []);
  const replicas: ServerDeps[] = await Promise.all(
    logs.map((own, i) =>
      createDeps(options.config?.(i, t.config) ?? t.config, {
        clock: t.clock,
        log: (m, f) => {
          const line = `${m} ${JSON.stringify(f ?? {})}`;
          complaints.push(line);
          own.push(line);
        },
      }),
    ),
  );
  const apps = replicas.map((deps) => createApp(deps));
  return {
    replicas,
    apps,
    complaints,
    logs,
    /** A storefront signup on replica `i`: its status and body. */
    async signup(i: number, key: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
      const res = await apps[i]!.request('/v1/storefront/signups', {
        method: 'POST',
        body: JSON.stringify({ key, ...body }),
        headers: { 'content-type': 'application/json' },
      });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      for (const r of replicas) await r.close();
    },
  };
}

export type Fleet = Awaited<ReturnType<typeof startReplicas>>;
