import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { createWake, WAKE_CHANNEL } from '../server/jobs/wake.ts';
import { listenerOf } from '../db/listen.ts';
import { client, killed, ROOT, serverEnv, startServer } from '../test/child-server.ts';
import { startResendStub } from '../test/stubs/resend-stub.ts';
import { benchEngines } from './engines.ts';
import { num } from './lib.ts';

/**
 * Issue 18: the wake-up delay across replicas on PostgreSQL, from a commit on
 * replica A to the work it left starting on another replica (target: p99
 * under 100 ms). A bench figure, never a timed test.
 *
 * Replicas B and C are real server processes (test/child-server.ts) on one
 * fresh database, with the periodic tick at 10 minutes: only a wake can start
 * their work. Replica A is the same server code in this process (createDeps,
 * createApp, server/jobs/wake.ts) with no scheduler at all, so A can never
 * send what it wrote: every sample crosses from A to B or C. Each sample is one
 * storefront signup on A, whose transaction writes a confirmation email; the
 * clock starts when the service calls `deps.wake()`, right after that commit,
 * and stops when the Resend stub (also in this process, same clock) receives
 * the email from whichever replica sent it. That covers A's 50 ms coalescing
 * round, the NOTIFY through A's pool, delivery to B's and C's LISTEN
 * connections, their tick (jobs pass, rendering, the claim) and the request
 * to the provider. The replicas pace at 1,000 requests/s and the stub has no
 * limit, so pacing adds nothing; samples run one at a time, 100 ms apart.
 */
export async function wakeBench(): Promise<string> {
  const pg = (await benchEngines()).find((engine) => engine.name === 'PostgreSQL');
  if (!pg) return '[PostgreSQL] wake: not measured: set DATABASE_URL (or run `npm run bench:pg wake`)';
  const samples = num('BENCH_WAKE_SAMPLES', 200);
  const stub = await startResendStub();
  const arrived = new Map<string, number>();
  // The stub counts each accepted recipient here, synchronously as the request is read: that instant is the arrival.
  const count = stub.recipients.set.bind(stub.recipients);
  stub.recipients.set = (to, n) => {
    if (!arrived.has(to)) arrived.set(to, performance.now());
    return count(to, n);
  };
  const dir = mkdtempSync(join(tmpdir(), 'waitline-wake-'));
  const dbPath = join(dir, 'bench.db');
  const children = [];
  let a: Awaited<ReturnType<typeof createDeps>> | null = null;
  try {
    for (let i = 0; i < 2; i++) {
      // One after the other: the first migrates, the second finds nothing pending.
      const env = await serverEnv(dbPath, stub.url, { ...pg.env(dbPath), WAITLINE_TICK_MS: '600000', RESEND_RPS: '1000', WAITLINE_RATE_PER_EMAIL: '0' });
      children.push({ env, child: await startServer(env) });
    }
    const { createShop } = client(children[0]!.env);
    const { pk, sk } = await createShop();
    const variant = await client(children[0]!.env).api('/v1/admin/variants/v1', { method: 'PUT', token: sk, body: { productTitle: 'Tee', title: 'M', mode: 'waitlist', inventory: 0 } });
    if (variant.status !== 201) throw new Error(`variant: ${JSON.stringify(variant.body)}`);

    a = await createDeps(
      loadConfig({ ...pg.env(dbPath), WAITLINE_ADMIN_TOKEN: ROOT, PUBLIC_URL: 'http://127.0.0.1:1', WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }),
      { log: () => {} },
    );
    const wake = createWake(a, () => {});
    await wake.ready;
    // The wake as B and C hear it, heard here too on a LISTEN connection of the same kind: it splits the
    // delay into the wake's delivery and the work on the other replica (its tick to the provider's door).
    let heardAt = 0;
    await listenerOf(a.db)!.listen(WAKE_CHANNEL, () => {
      heardAt ||= performance.now();
    });
    let committedAt = 0;
    a.wake = () => {
      committedAt = performance.now();
      heardAt = 0;
      wake.wake();
    };
    const app = createApp(a);

    const delays: number[] = [];
    const heard: number[] = [];
    for (let i = 0; i < samples; i++) {
      const email = `wake${i}@bench.example`;
      const res = await app.request('/v1/storefront/signups', {
        method: 'POST',
        body: JSON.stringify({ key: pk, variantId: 'v1', email }),
        headers: { 'content-type': 'application/json' },
      });
      if (res.status !== 201) throw new Error(`signup ${i}: ${res.status} ${await res.text()}`);
      const deadline = performance.now() + 5_000;
      while (!arrived.has(email)) {
        if (performance.now() > deadline) throw new Error(`sample ${i}: the email did not arrive within 5 s (no replica woke)`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      delays.push(arrived.get(email)! - committedAt);
      if (heardAt) heard.push(heardAt - committedAt);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    wake.stop();
    const cores = availableParallelism();
    return [
      `[PostgreSQL] wake: commit on replica A → its email at the provider from replica B or C (2 server processes + A in the bench, ${cores} cores, load ${loadavg()[0]!.toFixed(1)}): ` +
        `p50 ${quantile(delays, 0.5)} ms, p99 ${quantile(delays, 0.99)} ms, max ${quantile(delays, 1)} ms over ${samples} samples (goal p99 < 100 ms; includes the 50 ms coalescing round)`,
      `[PostgreSQL] wake: of which the wake itself, commit → NOTIFY heard on a LISTEN connection: p50 ${quantile(heard, 0.5)} ms, p99 ${quantile(heard, 0.99)} ms over ${heard.length} samples`,
    ].join('\n');
  } finally {
    await a?.close();
    for (const { child } of children) await killed(child);
    await stub.close();
    await pg.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(values: number[], q: number): string {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!.toFixed(1) : '-';
}
