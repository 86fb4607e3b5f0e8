import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { enqueueJobs } from '../server/jobs/queue.ts';
import { transaction } from '../db/transaction.ts';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { BENCH_SECRET_KEY, num } from './lib.ts';

/**
 * Issue 18: jobs ≥ 1,000 a second, none run twice. `BENCH_JOBS` no-op jobs
 * are enqueued at once, then `BENCH_JOB_REPLICAS` worker processes (3 on
 * PostgreSQL, 1 on SQLite, one machine's engine) claim and run them side by
 * side. The rate is counted from the first job started to the last finished,
 * across all workers; each job id must appear exactly once in their reports.
 */
export const jobsBench = () => onEachEngine(jobsOn);

async function jobsOn(engine: BenchEngine): Promise<string> {
  const total = num('BENCH_JOBS', 20_000);
  const replicas = num('BENCH_JOB_REPLICAS', engine.name === 'PostgreSQL' ? 3 : 1);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-jobs-'));
  const env = { ...engine.env(join(dir, 'bench.db')), WAITLINE_ADMIN_TOKEN: 'x', PUBLIC_URL: 'https://waitline.example' };
  try {
    const deps = await createDeps(loadConfig(env), { log: () => {} });
    const now = new Date();
    await transaction(deps.db, (tx) =>
      enqueueJobs(tx, Array.from({ length: total }, (_, i) => ({ kind: 'bench.noop', key: `bench:${i}`, runAt: now })), now),
    );
    await deps.close();

    const reports = await Promise.all(Array.from({ length: replicas }, () => worker(env)));
    const counts = new Map<number, number>();
    for (const r of reports) for (const id of r.ran) counts.set(id, (counts.get(id) ?? 0) + 1);
    const twice = [...counts.values()].filter((n) => n > 1).length;
    const missing = total - counts.size;
    const seconds = (Math.max(...reports.map((r) => r.last)) - Math.min(...reports.filter((r) => r.first).map((r) => r.first))) / 1000;
    const rate = total / seconds;
    const shares = reports.map((r) => r.ran.length).join(' / ');
    return (
      `jobs: ${total} jobs by ${replicas} worker process(es) on ${availableParallelism()} cores in ${seconds.toFixed(2)} s: ` +
      `${Math.round(rate)} jobs/s (goal ≥ 1,000); ${twice} run twice, ${missing} not run (goal 0, 0); per worker ${shares}`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function worker(env: Record<string, string>): Promise<{ ran: number[]; first: number; last: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/jobs-worker.ts'], {
      env: { ...process.env, NODE_ENV: 'production', WAITLINE_SECRET_KEY: BENCH_SECRET_KEY, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`jobs worker exited ${code}`))));
  });
}
