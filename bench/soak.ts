import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { BENCH_ROOT, benchShop, freePort, num, startProcess, stop } from './lib.ts';

interface Tally {
  status: Map<number, number>;
  /** Emails whose signup was answered 201: each must be a row in the file afterwards. */
  created: Set<string>;
}

/**
 * Offers `rate` signups a second for `seconds`; `request(i)` makes the i-th.
 * Answers are tallied per request, not from autocannon's totals, which leave
 * out the answers still in flight when the time is up.
 */
async function offer(url: string, seconds: number, rate: number, connections: number, request: (i: number) => { ip: string; email: string }, body: (email: string) => string) {
  let i = 0;
  const tally: Tally = { status: new Map(), created: new Set() };
  const result = await autocannon({
    url: `${url}/v1/storefront/signups`,
    connections,
    duration: seconds,
    overallRate: rate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context: { email?: string }) => {
          const { ip, email } = request(i++);
          context.email = email;
          return { ...req, headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: body(email) };
        },
        onResponse: (status, _body, context: { email?: string }) => {
          tally.status.set(status, (tally.status.get(status) ?? 0) + 1);
          if (status === 201 && context.email) tally.created.add(context.email);
        },
      },
    ],
  });
  return { result, tally };
}

const count = (t: Tally, ...statuses: number[]) => statuses.reduce((n, s) => n + (t.status.get(s) ?? 0), 0);
const answered = (t: Tally) => [...t.status.values()].reduce((a, b) => a + b, 0);
const fivexx = (t: Tally) => [...t.status].reduce((n, [status, c]) => n + (status >= 500 ? c : 0), 0);
const memoryMb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? NaN);
  return Math.round(kb / 1024);
};
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/**
 * `npm run bench soak`: the real server under a minute of storefront traffic
 * with the default rate limits on (20 a minute per IP, 5 per email) behind a
 * trusted proxy. Shoppers: BENCH_SOAK_RATE signups/s (default 1,000) for
 * BENCH_SOAK_SECONDS (default 60), each a new email, spread over enough
 * X-Forwarded-For addresses that none passes 10 a minute. Beside them, two
 * abusers: one IP sending 100 signups/s, and one email sent 10 times a second
 * from ever-new IPs. Reports errors, rows lost (201s missing from the file
 * after the server stopped), server memory (/proc) and p99, and that the
 * limits held for the abusers and never touched the shoppers.
 */
export async function soakBench(): Promise<string> {
  const seconds = num('BENCH_SOAK_SECONDS', 60);
  const rate = num('BENCH_SOAK_RATE', 1000);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-soak-'));
  const dbPath = join(dir, 'soak.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'server/index.ts',
    // Empty means the default (SPEC §6), whatever the calling shell has set.
    { PORT: String(port), WAITLINE_DB: dbPath, WAITLINE_ADMIN_TOKEN: BENCH_ROOT, WAITLINE_DEMO: '0', WAITLINE_TRUST_PROXY: '1', WAITLINE_RATE_PER_IP: '', WAITLINE_RATE_PER_EMAIL: '', RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '' },
    `${url}/health`,
  );
  try {
    const { publishableKey: key } = await benchShop(url);
    const pid = server.pid!;
    const before = memoryMb(pid, 'VmRSS');
    const body = (email: string) => JSON.stringify({ key, variantId: 'v1', email });
    const addresses = Math.max(1, Math.ceil((rate * 60) / 10)); // ≤ 10 a minute each
    const [shoppers, oneIp, oneEmail] = await Promise.all([
      offer(url, seconds, rate, 50, (i) => ({ ip: ip(i % addresses), email: `shopper${i}@soak.example` }), body),
      offer(url, seconds, 100, 4, (i) => ({ ip: '192.0.2.66', email: `bot${i}@soak.example` }), body),
      offer(url, seconds, 10, 2, (i) => ({ ip: `198.51.${(i >> 8) & 255}.${i & 255}`, email: 'target@soak.example' }), body),
    ]);
    // One more from each abuser, to read the answer's header.
    const probe = (from: string, email: string) =>
      fetch(`${url}/v1/storefront/signups`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: body(email) }).then(
        (r) => `${r.status} Retry-After ${r.headers.get('retry-after') ?? 'missing'}`,
      );
    const probes = [await probe('192.0.2.66', 'bot-last@soak.example'), await probe('203.0.113.200', 'target@soak.example')];
    const after = memoryMb(pid, 'VmRSS');
    const peak = memoryMb(pid, 'VmHWM');
    await stop(server);

    const sqlite = new Database(dbPath, { readonly: true });
    const stored = new Set(sqlite.prepare('select c.email from signups s join contacts c on c.id = s.contact_id').pluck().all() as string[]);
    const confirmations = sqlite.prepare(`select count(*) from messages where template = 'signup-confirmation'`).pluck().get() as number;
    const sent = sqlite.prepare(`select count(*) from messages where status = 'sent'`).pluck().get() as number;
    sqlite.close();

    const runs = [shoppers, oneIp, oneEmail];
    const created = runs.reduce((n, r) => n + r.tally.created.size, 0);
    const lost = runs.reduce((n, r) => n + [...r.tally.created].filter((email) => !stored.has(email)).length, 0);
    const errors = runs.reduce((n, r) => n + fivexx(r.tally) + r.result.errors + r.result.timeouts, 0);
    const [s, bot, target] = [shoppers.tally, oneIp.tally, oneEmail.tally];
    return [
      `soak: ${rate}/s for ${seconds} s over ${addresses} shopper IPs: ${count(s, 200, 201)} 2xx of ${answered(s)} answered (${Math.round(shoppers.result.requests.average)} req/s), p99 ${shoppers.result.latency.p99} ms; ${errors} errors (5xx, socket, timeout; goal 0)`,
      `soak: ${created} answered 201, ${lost} of them missing from the file after the server stopped (goal 0); ${stored.size} signup rows, ${confirmations} confirmations (${sent} through the outbox when it stopped)`,
      `soak: server RSS ${before} MB before, ${after} MB after (peak ${peak} MB)`,
      `soak: abuse: one IP at 100/s → ${count(bot, 200, 201)} accepted, ${count(bot, 429)} × 429; one email from new IPs at 10/s → ${count(target, 200, 201)} accepted, ${count(target, 429)} × 429; shoppers ${count(s, 429)} × 429 (goal 0)`,
      `soak: each abuser's next request after the run: IP ${probes[0]}; email ${probes[1]}`,
    ].join('\n');
  } finally {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
