import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchEngines, type BenchEngine } from './engines.ts';
import { BENCH_ROOT, freePort, num, startProcess, stop } from './lib.ts';

/**
 * Issue 18's budget: signups across 3 replicas on one PostgreSQL, half of
 * them on one variant, against the same load on one replica. Every replica is
 * a real server process (NODE_ENV=production); the same number of connections
 * is spread evenly over the replicas up, as a load balancer would. Each
 * request is a new email, so each writes. Reported: 0 errors, places unique
 * and contiguous (checked in SQL), total throughput and p99 for each, and the
 * ratio. PostgreSQL only: SQLite has one writer, so it has no replicas.
 */
export async function replicasBench(): Promise<string> {
  const engine = (await benchEngines()).find((e) => e.name === 'PostgreSQL');
  if (!engine) return '[PostgreSQL] replicas: not measured: set DATABASE_URL (or run `npx tsx bench/with-postgres.ts replicas`)';
  try {
    return (await replicasOn(engine)).split('\n').map((line) => `[${engine.name}] ${line}`).join('\n');
  } finally {
    await engine.drop();
  }
}

const VARIANTS = 10;

interface Phase {
  replicas: number;
  requests: number;
  errors: number;
  perSecond: number;
  p99: number;
  places: string;
  /** Active server connections by what they wait for, on average over the timed window. */
  waited: string;
}

async function replicasOn(engine: BenchEngine): Promise<string> {
  const seconds = num('BENCH_SECONDS', 5);
  const connections = num('BENCH_CONNECTIONS', 60);
  const fleet = num('BENCH_REPLICAS', 3);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-replicas-'));
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const startReplica = async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    children.push(
      await startProcess(
        'server/index.ts',
        { PORT: String(port), PUBLIC_URL: url, ...engine.env(join(dir, 'unused.db')), WAITLINE_ADMIN_TOKEN: BENCH_ROOT, WAITLINE_DEMO: '0', WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0', RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '' },
        `${url}/health`,
      ),
    );
    urls.push(url);
  };
  try {
    const phases: Phase[] = [];
    await startReplica();
    phases.push(await phase(engine, urls, { seconds, connections }));
    // One at a time, after the first has migrated the database: two cores start tsx slowly.
    for (let r = 1; r < fleet; r++) await startReplica();
    phases.push(await phase(engine, urls, { seconds, connections }));
    const [one, many] = [phases[0]!, phases[1]!];
    return [
      ...phases.map(
        (p) =>
          `replicas: ${p.replicas} replica(s), ${availableParallelism()} cores, ${connections} connections: ${p.perSecond.toFixed(0)} signups/s, p99 ${p.p99.toFixed(1)} ms, ` +
          `${p.errors} errors (budget 0), ${p.places}; active connections waiting on average: ${p.waited}`,
      ),
      `replicas: ${many.replicas} vs 1 replica: throughput × ${(many.perSecond / one.perSecond).toFixed(2)}, p99 × ${(many.p99 / one.p99).toFixed(2)}`,
    ].join('\n');
  } finally {
    await Promise.all(children.map(stop));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A shop of its own, loaded through every replica in `urls` at once; its places read back with SQL. */
async function phase(engine: BenchEngine, urls: string[], opts: { seconds: number; connections: number }): Promise<Phase> {
  const shop = await benchShop(urls[0]!);
  const tag = shop.shopId.toLowerCase().replace(/[^a-z0-9]/g, '');
  // A second of the same load first: each process compiles its hot path before it is timed.
  await Promise.all(urls.map((url, r) => drive(url, shop.publishableKey, `warm${r}-${tag}`, { seconds: 1, connections: Math.ceil(opts.connections / urls.length) })));
  const waits = sampleWaits(engine);
  const runs = await Promise.all(urls.map((url, r) => drive(url, shop.publishableKey, `r${r}-${tag}`, { seconds: opts.seconds, connections: Math.ceil(opts.connections / urls.length) })));
  const waited = await waits.stop();
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const created = runs.reduce((n, r) => n + r.created, 0);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  return {
    replicas: urls.length,
    requests: times.length,
    errors,
    perSecond: created / opts.seconds,
    p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? NaN,
    places: await placesCheck(engine, shop.shopId),
    waited,
  };
}

/**
 * What the servers' connections wait for while loaded, sampled from
 * pg_stat_activity every 50 ms: where the time goes when replicas contend
 * (a lock a descheduled process holds, or the CPU).
 */
function sampleWaits(engine: BenchEngine): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await engine.query<{ what: string; n: string }>(
        '',
        `select coalesce(wait_event_type || ':' || wait_event, 'on CPU') as what, count(*) as n
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active' group by 1`,
      );
      samples += 1;
      for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + Number(r.n));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4);
      return top.map(([what, n]) => `${what} ${(n / samples).toFixed(1)}`).join(', ') || 'none';
    },
  };
}

interface Driven {
  /** Answers 201 in the timed window. */
  created: number;
  /** Anything else: a non-201 answer, a socket error, a timeout. */
  errors: number;
  /** Every answer's latency, ms. */
  times: number[];
}

/** Half the signups on v1, the rest spread over v2…v10; every one a new email. */
function drive(url: string, key: string, prefix: string, opts: { seconds: number; connections: number }): Promise<Driven> {
  let i = 0;
  const result: Driven = { created: 0, errors: 0, times: [] };
  const body = () => {
    const n = i++;
    const variantId = n % 2 === 0 ? 'v1' : `v${2 + ((n >> 1) % (VARIANTS - 1))}`;
    return JSON.stringify({ key, variantId, email: `${prefix}-${n}@bench.example` });
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/storefront/signups`,
        connections: opts.connections,
        duration: opts.seconds,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body() }) }],
      },
      (err, done) => {
        if (err) return reject(err);
        result.errors += done.errors + done.timeouts;
        resolve(result);
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      result.times.push(responseTime);
      if (statusCode === 201) result.created += 1;
      else result.errors += 1;
    });
  });
}

/** The shop's places: as many as answered, and their sequence unique and contiguous, per shop and so per variant. */
async function placesCheck(engine: BenchEngine, shopId: string): Promise<string> {
  const [shop] = await engine.query<{ total: string; distinct: string; span: string }>(
    '', `select count(*) as total, count(distinct seq) as distinct, coalesce(max(seq) - min(seq) + 1, 0) as span from signups where shop_id = '${shopId}'`,
  );
  const hot = await engine.query<{ total: string; distinct: string }>(
    '', `select count(*) as total, count(distinct seq) as distinct from signups where shop_id = '${shopId}' and variant_id = 'v1'`,
  );
  const ok = shop!.total === shop!.distinct && shop!.total === shop!.span && hot[0]!.total === hot[0]!.distinct;
  return `${shop!.total} places (${hot[0]!.total} on v1), ${ok ? 'unique and contiguous' : `NOT unique and contiguous: ${shop!.distinct} distinct, span ${shop!.span}`}`;
}

/** A shop with VARIANTS waitlist variants, made through one replica. */
async function benchShop(url: string): Promise<{ shopId: string; publishableKey: string }> {
  const shop = await fetch(`${url}/v1/shops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ROOT}` },
    body: JSON.stringify({ name: 'Bench replicas' }),
  }).then((r) => r.json());
  for (let v = 1; v <= VARIANTS; v++) {
    await fetch(`${url}/v1/admin/variants/v${v}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.secretKey}` }, body: JSON.stringify({ title: `Tee ${v}` }) });
  }
  return { shopId: shop.shop.id, publishableKey: shop.publishableKey };
}
