import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { onEachEngine, type BenchEngine } from './engines.ts';
import { BENCH_ROOT, benchShop, freePort, num, startProcess, stop } from './lib.ts';

function load(url: string, body: (i: number) => string, opts: { seconds: number; rate?: number }) {
  let i = 0;
  return autocannon({
    url: `${url}/v1/storefront/signups`,
    connections: 10,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body(i++) }) }],
  });
}

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
 * runs in its own process; every request is a new email, so every one writes.
 */
export const signupThroughput = () => onEachEngine(signupOn);

async function signupOn(engine: BenchEngine): Promise<string> {
  const seconds = num('BENCH_SECONDS', 10);
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
    const body = (prefix: string) => (i: number) => JSON.stringify({ key: shop.publishableKey, variantId: 'v1', email: `${prefix}${i}@bench.example` });

    const ours = await load(url, body('max'), { seconds });
    // Under a burst, requests come first and confirmations trail (server/jobs/give-way.ts).
    // The bare server is measured only once they are all out, so it has the CPU to itself.
    const backlog = await drained(engine, join(dir, 'bench.db'));
    const reference = await load(bareUrl, body('max'), { seconds });
    const steady = await load(url, body('steady'), { seconds, rate: 1000 });
    const ratio = ours.requests.average / reference.requests.average;
    const errors = ours.errors + ours.non2xx + steady.errors + steady.non2xx;
    return [
      `signup: ${Math.round(ours.requests.average)} req/s vs bare Hono ${Math.round(reference.requests.average)} req/s = ${ratio.toFixed(2)} (goal ≥ 0.50); its ${backlog.messages} confirmations were all sent ${backlog.seconds.toFixed(1)} s after the burst`,
      `signup: p99 ${steady.latency.p99} ms at ${Math.round(steady.requests.average)} req/s offered 1000 (goal < 25 ms); ${errors} errors`,
    ].join('\n');
  } finally {
    await Promise.all([stop(server), stop(bare)]);
    rmSync(dir, { recursive: true, force: true });
  }
}
