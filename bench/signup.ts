import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { BENCH_ROOT, benchShop, freePort, num, startProcess, stop } from './lib.ts';

function load(url: string, body: (i: number) => string, opts: { seconds: number; connections: number; rate?: number }) {
  let i = 0;
  return autocannon({
    url: `${url}/v1/storefront/signups`,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body(i++) }) }],
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** How many messages the server has written, and the seconds until none is left to send (read from its database). */
async function drained(engine: BenchEngine, dbPath: string): Promise<{ messages: number; seconds: number }> {
  const started = performance.now();
  const count = async (where: string) => Number((await engine.query<{ n: number }>(dbPath, `select count(*) as n from messages ${where}`))[0]!.n);
  const messages = await count('');
  while ((await count(`where status in ('queued', 'sending')`)) > 0) await new Promise((r) => setTimeout(r, 100));
  return { messages, seconds: (performance.now() - started) / 1000 };
}

/**
 * SPEC §7: signup throughput ≥ 50% of a bare Hono endpoint on the same machine,
 * measured in the same run, and p99 < 25 ms at 1,000 requests/s. Each server
 * runs in its own process (ours with NODE_ENV=production); every request is a
 * new email, so every one writes.
 *
 * Throughput is taken at two concurrencies, 5 runs of each server alternating
 * and the medians compared (single runs move by a factor of two on a shared
 * machine). 100 connections is a drop: our server answers each signup after
 * the commit it shares with the others read in the same moment, so its
 * capacity shows only with enough requests in flight; bare Hono is saturated
 * either way. 10 connections is the shape earlier figures used: there each
 * request waits for its commit with at most nine others, and the server idles
 * a tenth of the time between them.
 */
export const signupThroughput = () => onEachEngine(signupOn);

async function signupOn(engine: BenchEngine): Promise<string> {
  const seconds = num('BENCH_SECONDS', 5);
  const runs = num('BENCH_RUNS', 5);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-'));
  const [port, barePort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const server = await startProcess(
    'server/index.ts',
    { PORT: String(port), ...engine.env(join(dir, 'bench.db')), WAITLINE_ADMIN_TOKEN: BENCH_ROOT, WAITLINE_DEMO: '0', WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '' },
    `${url}/health`,
  );
  const bare = await startProcess('bench/bare-server.ts', { PORT: String(barePort) }, `${bareUrl}/health`);
  try {
    const shop = await benchShop(url);
    let round = 0;
    const body = (prefix: string) => (i: number) => JSON.stringify({ key: shop.publishableKey, variantId: 'v1', email: `${prefix}${i}@bench.example` });
    const lines: string[] = [];
    let errors = 0;
    let written = 0;
    let slowestDrain = 0;
    for (const connections of [100, 10]) {
      const ours: number[] = [];
      const reference: number[] = [];
      for (let r = 0; r < runs; r++) {
        const a = await load(url, body(`max${round++}-`), { seconds, connections });
        // Under a burst, requests come first and confirmations trail (server/jobs/give-way.ts).
        // The bare server is measured only once they are all out, so it has the CPU to itself.
        const drain = await drained(engine, join(dir, 'bench.db'));
        written = drain.messages;
        slowestDrain = Math.max(slowestDrain, drain.seconds);
        const b = await load(bareUrl, body('bare'), { seconds, connections });
        ours.push(a.requests.average);
        reference.push(b.requests.average);
        errors += a.errors + a.non2xx;
      }
      const list = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
      lines.push(
        `signup at ${connections} connections: ${Math.round(median(ours))} req/s vs bare Hono ${Math.round(median(reference))} req/s = ${(median(ours) / median(reference)).toFixed(2)} (goal ≥ 0.50; median of ${runs} interleaved ${seconds}-s runs each)`,
        `signup at ${connections} connections: runs ours [${list(ours)}], bare [${list(reference)}]`,
      );
    }
    const steady = await load(url, body('steady'), { seconds: Math.max(seconds, 10), connections: 10, rate: 1000 });
    errors += steady.errors + steady.non2xx;
    lines.push(
      `signup: ${written} confirmations written, each burst's all sent within ${slowestDrain.toFixed(1)} s of its end; ${errors} errors`,
      `signup: p99 ${steady.latency.p99} ms at ${Math.round(steady.requests.average)} req/s offered 1000 (goal < 25 ms)`,
    );
    return lines.join('\n');
  } finally {
    await Promise.all([stop(server), stop(bare)]);
    rmSync(dir, { recursive: true, force: true });
  }
}
