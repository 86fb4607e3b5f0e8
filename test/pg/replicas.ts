import { createApp } from '../../server/app.ts';
import { createDeps, type ServerDeps } from '../../server/deps.ts';
import type { TestEnv } from '../helpers.ts';

/**
 * `count` replicas of the server on the test's PostgreSQL database, each with
 * its own pool, writer and app, as separate processes would have: their
 * transactions really run at once. What they log lands in `complaints`, so a
 * failed assertion can say what the server saw.
 */
export async function startReplicas(t: TestEnv, count: number) {
  const complaints: string[] = [];
  const replicas: ServerDeps[] = await Promise.all(
    Array.from({ length: count }, () => createDeps(t.config, { clock: t.clock, log: (m, f) => complaints.push(`${m} ${JSON.stringify(f ?? {})}`) })),
  );
  const apps = replicas.map((deps) => createApp(deps));
  return {
    replicas,
    apps,
    complaints,
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
