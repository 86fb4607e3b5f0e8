import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { client, killed, serverEnv, startServer } from '../test/child-server.ts';
import { startResendStub } from '../test/stubs/resend-stub.ts';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { freePort, num } from './lib.ts';

/** Resend's default team limit, and its batch size. */
const LIMIT_RPS = 2;
const PER_BATCH = 100;

/**
 * SPEC §7: at the provider's rate limit, ≥ 95% of the limit's throughput and
 * never a 429 caused by us. Real servers run as child processes (their own
 * event loops, the default RESEND_RPS), `BENCH_REPLICAS` of them on one
 * database (default 3 on PostgreSQL, 1 on SQLite), and send through the real
 * Resend SDK to a local stub that, like Resend, answers 429 past 2 requests in
 * any sliding second and is `BENCH_RTT_MS` away (a round trip, default 150).
 * The line is imported (quiet), then one restock offers it all.
 *
 * Throughput is measured at the provider: from the arrival of the first
 * accepted request to that of the last, plus the one interval the last
 * request's slot takes, so perfect pacing is exactly 100%.
 */
export const fanoutBench = () => onEachEngine(fanoutOn);

async function fanoutOn(engine: BenchEngine): Promise<string> {
  const offers = num('BENCH_FANOUT_OFFERS', 20_000);
  const rttMs = num('BENCH_RTT_MS', 150);
  const replicas = engine.name === 'SQLite' ? 1 : num('BENCH_REPLICAS', 3);
  const stub = await startResendStub({ rps: LIMIT_RPS, rttMs });
  const dir = mkdtempSync(join(tmpdir(), 'waitline-fanout-'));
  const env = await serverEnv(join(dir, 'bench.db'), stub.url, { WAITLINE_TICK_MS: '1000', WAITLINE_LEASE_MS: '60000', ...engine.env(join(dir, 'bench.db')) });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < replicas; i++) {
      const port = i === 0 ? env.PORT! : String(await freePort());
      children.push(await startServer({ ...env, PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}` }));
    }
    const { createShop, seedLine, restock } = client(env);
    const { sk } = await createShop();
    await seedLine(sk, 'v1', Array.from({ length: offers }, (_, i) => `fan${i}@bench.example`));
    const { offered } = await restock(sk, 'v1', offers);
    if (offered !== offers) throw new Error(`offered ${offered}, expected ${offers}`);

    const deadline = Date.now() + (offers / (LIMIT_RPS * PER_BATCH)) * 2_000 + 60_000;
    while (stub.recipients.size < offers) {
      if (Date.now() > deadline) throw new Error(`only ${stub.recipients.size} of ${offers} emails arrived`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Give a wrongly repeated send the time to show up before counting.
    await new Promise((r) => setTimeout(r, 2_000));
    const first = stub.accepted[0]!.at;
    const last = stub.accepted.at(-1)!.at;
    const seconds = (last - first + 1000 / LIMIT_RPS) / 1000;
    const rate = offers / seconds;
    const limit = LIMIT_RPS * PER_BATCH;
    const share = rate / limit;
    const perRequest = offers / stub.accepted.length;
    const twice = [...stub.recipients.values()].filter((n) => n !== 1).length;
    return (
      `fanout: ${replicas} replica${replicas === 1 ? '' : 's'} on ${availableParallelism()} cores, provider ${rttMs} ms away (round trip): ` +
      `${offers} offers through the Resend SDK in ${seconds.toFixed(1)} s: ${rate.toFixed(1)} emails/s = ${(share * 100).toFixed(1)}% of the ${limit}/s limit (goal ≥ 95%); ` +
      `${stub.count429} 429s caused (goal 0); ${stub.accepted.length} requests of ${perRequest.toFixed(1)} emails; ${twice} recipients not sent exactly once`
    );
  } finally {
    await Promise.all(children.map((child) => killed(child)));
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
